/// A TCP address a node listens on, as announced to peers in its ``NodeSpec``.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// A host name or an IP address literal (an IPv6 one without brackets).
    public let host: String
    /// The TCP port.
    public let port: Int

    /// Creates a listen address; an IPv6 literal may come in brackets (`[::1]`), which are
    /// dropped.
    public init(host: String, port: Int) {
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Whether `host` can be a host name or an IP literal: 1 to 253 ASCII letters, digits,
    /// `-`, `.`, `_` and `:` (IPv6). Hosts announced by peers are checked with it before they
    /// are dialled or logged.
    package static func isValidHost(_ host: String) -> Bool {
        (1...253).contains(host.utf8.count)
            && host.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                    UInt8(ascii: ":"):
                    true
                default: false
                }
            }
    }
}
