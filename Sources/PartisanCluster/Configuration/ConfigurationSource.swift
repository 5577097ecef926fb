/// Where the value of a setting came from, highest precedence first: a command-line flag, an
/// environment variable, the configuration file, the profile, or the library's default.
public enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    /// A command-line flag, such as `--listen`.
    case flag(String)
    /// An environment variable, such as `PARTISAN_NAME`.
    case environment(String)
    /// The configuration file at this path.
    case file(String)
    /// The profile of this name (``ConfigurationProfile``).
    case profile(String)
    /// The library's default (``PartisanNode/Configuration``'s documented defaults).
    case defaultValue

    /// `flag --listen`, `environment PARTISAN_NAME`, `file cluster.yaml`, `profile prod` or
    /// `default`.
    public var description: String {
        switch self {
        case .flag(let flag): "flag \(flag)"
        case .environment(let name): "environment \(name)"
        case .file(let path): "file \(PrintableText.escaped(path))"
        case .profile(let name): "profile \(name)"
        case .defaultValue: "default"
        }
    }
}
