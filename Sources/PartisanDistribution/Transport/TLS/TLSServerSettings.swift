/// How a node accepts TLS connections: what it presents, and what it asks of the dialler
/// (Partisan's `tls_server_options`).
public struct TLSServerSettings: Sendable {
    /// Whether a dialler must present a certificate.
    public enum ClientCertificates: Sendable, Hashable {
        /// Mutual TLS: a dialler without a certificate that leads to ``trustRoots`` is
        /// refused during the TLS handshake.
        case required
        /// A dialler may present none; one it presents must still lead to ``trustRoots``.
        case optional
    }

    /// The certificate chain and key this node presents to diallers.
    public var identity: TLSIdentity
    /// The CAs a dialler's certificate must lead to.
    public var trustRoots: TLSTrustRoots
    /// Whether diallers must present a certificate. Default ``ClientCertificates/required``.
    ///
    /// A certificate is asked for in both cases, so a dialler that has one always presents
    /// it: both ends then agree on what ``TLSChannelInfo``'s binding covers.
    public var clientCertificates: ClientCertificates

    /// Creates server settings; diallers must present a certificate unless told otherwise.
    public init(identity: TLSIdentity, trustRoots: TLSTrustRoots, clientCertificates: ClientCertificates = .required) {
        self.identity = identity
        self.trustRoots = trustRoots
        self.clientCertificates = clientCertificates
    }
}
