/// A TCP address a node listens on, as announced to peers in its ``NodeSpec``.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// A host name or an IP address literal.
    public let host: String
    /// The TCP port.
    public let port: Int

    /// Creates a listen address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
