/// A named set of values that lies beneath the user's own (flags, environment, file) and above
/// the library's defaults: data, not code paths. Selected by `PARTISAN_PROFILE`, the `profile`
/// key of the file, or `--profile`.
///
/// | key | `dev` | `prod` |
/// |---|---|---|
/// | `listen.host` | `127.0.0.1` | `0.0.0.0` (peers dial the host of the node's name, or `advertise.host`) |
/// | `listen.port` | (default, 0) | `9100` |
/// | `overlay.kind` | `fullmesh` | `hyparview` |
/// | `tls.required` | `false` | `true` |
/// | `cookie.generate` | `true` | `false` (a cookie or cookie file must be given) |
/// | `log.level` | `info` | (default, `warning`) |
/// | `discovery` | (default, `none`) | `dns-srv` (`discovery.dns.service` must be given) |
public enum ConfigurationProfile: String, CaseIterable, Sendable {
    /// A laptop: full mesh on loopback, a generated cookie.
    case dev
    /// A deployment: HyParView on every interface (peers dial the host of the node's name), TLS required, an
    /// explicit cookie.
    case prod

    /// The profile's values, by key, written as environment variables write them.
    public var values: [String: String] {
        switch self {
        case .dev:
            [
                "listen.host": "127.0.0.1", "overlay.kind": "fullmesh", "tls.required": "false",
                "cookie.generate": "true", "log.level": "info",
            ]
        case .prod:
            [
                "listen.host": "0.0.0.0", "listen.port": "9100", "overlay.kind": "hyparview", "tls.required": "true",
                "cookie.generate": "false", "discovery": "dns-srv",
            ]
        }
    }
}
