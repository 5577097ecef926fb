/// How a node dials TLS connections: whom it trusts, and what it presents when asked
/// (Partisan's `tls_client_options`).
public struct TLSClientSettings: Sendable {
    /// The CAs an acceptor's certificate must lead to. The acceptor must always present one.
    public var trustRoots: TLSTrustRoots
    /// The certificate chain and key this node presents when the acceptor asks for one
    /// (always, with ``TLSServerSettings``); `nil` presents none, which an acceptor that
    /// requires client certificates refuses.
    public var identity: TLSIdentity?

    /// Creates client settings.
    public init(trustRoots: TLSTrustRoots, identity: TLSIdentity? = nil) {
        self.trustRoots = trustRoots
        self.identity = identity
    }
}
