/// Why a node's configuration could not be loaded. Every case names the key (or the file, or
/// the environment variable) at fault; none holds a secret's value, and text from outside
/// (unknown keys, bad values) is escaped and cut before it is shown.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file names keys the schema does not have (the first five, escaped);
    /// `suggestions` holds, per unknown key, the nearest valid key when one is close.
    case unknownKeys(file: String, keys: [String], suggestions: [String: String])
    /// A `PARTISAN_*` environment variable that is not in the schema, with the nearest valid
    /// variable when one is close.
    case unknownEnvironmentVariable(String, suggestion: String?)
    /// `key`, from `source`, does not hold what it must; `expected` says what would do, `got`
    /// shows the value (escaped, cut; `nil` for a secret or a value of the wrong type).
    case badValue(key: String, source: ConfigurationSource, expected: String, got: String?)
    /// `key` must be set (by any source); `reason` says why.
    case missing(key: String, reason: String)
    /// Two settings that exclude each other are both set in `source`.
    case conflict(keys: [String], source: ConfigurationSource)
    /// The configuration file cannot be read (missing, not a regular file, too large).
    case unreadableFile(path: String, reason: String)
    /// The configuration file is not valid JSON or YAML, or its structure is not a tree of
    /// maps with scalar or list-of-scalar leaves.
    case malformedFile(path: String, reason: String)
    /// A file a setting names (the cookie file, TLS files) cannot be used.
    case unusableFile(key: String, source: ConfigurationSource, reason: String)

    /// One line for a person: what is wrong, with which key, from which source.
    public var description: String {
        switch self {
        case .unknownKeys(let file, let keys, let suggestions):
            let listed = keys.map { key in
                let shown = "\"\(key)\""  // Escaped when the error was made.
                return suggestions[key].map { "\(shown) (did you mean \($0)?)" } ?? shown
            }
            return "unknown key\(keys.count == 1 ? "" : "s") in \(PrintableText.escaped(file)): "
                + listed.joined(separator: ", ") + " (see `partisan config keys` or Guides/Cluster.md)"
        case .unknownEnvironmentVariable(let name, let suggestion):
            return "unknown environment variable \(PrintableText.escaped(name))"
                + (suggestion.map { " (did you mean \($0)?)" } ?? "")
                + ": every PARTISAN_* variable must name a configuration key (Guides/Cluster.md)"
        case .badValue(let key, let source, let expected, let got):
            return "bad value for \(key) from \(source): expected \(expected)"
                + (got.map { ", got \($0)" } ?? "")
        case .missing(let key, let reason):
            return "\(key) is not set: \(reason)"
        case .conflict(let keys, let source):
            return "\(keys.joined(separator: " and ")) exclude each other, both set by \(source): set one"
        case .unreadableFile(let path, let reason):
            return "cannot read the configuration file \(PrintableText.escaped(path)): \(reason)"
        case .malformedFile(let path, let reason):
            return "the configuration file \(PrintableText.escaped(path)) is not valid: \(reason)"
        case .unusableFile(let key, let source, let reason):
            return "\(key) from \(source): \(reason)"
        }
    }
}
