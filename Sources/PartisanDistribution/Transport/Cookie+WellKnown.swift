/// Cookies anyone can guess, and where they are allowed.
///
/// A cookie only protects a node whose port strangers can reach if it is secret. A node that
/// listens on an address other than loopback therefore refuses to start with an empty cookie
/// or one of ``wellKnown`` (``TransportError/weakCookie(host:)``); on loopback (127.0.0.0/8,
/// `::1`, `localhost`) any cookie is accepted, for tests and single-machine use.
extension Cookie {
    /// The cookies anyone can guess because this project published them as a default: the
    /// word `partisan` (the command-line tool's former default). Together with the empty cookie
    /// they are refused on non-loopback addresses (see ``isWeak``).
    public static let wellKnown: [Cookie] = ["partisan"]

    /// Whether the cookie is empty or one of ``wellKnown``: fine on loopback, refused when a
    /// node listens on any other address.
    public var isWeak: Bool { bytes.isEmpty || Self.wellKnown.contains(self) }
}
