import PartisanCore

/// What TLS tells the handshake about one connection; `nil` (from
/// ``EndpointCore/tlsInfo(of:)``) when the connection is plain TCP.
///
/// **Binding.** The cookie proofs of the handshake cover ``binding``, so a proof made on one
/// TLS connection does not verify on another. swift-nio-ssl 2.37.6 exposes neither the
/// RFC 5705 keying-material exporter nor `tls-unique` (BoringSSL has
/// `SSL_export_keying_material`, but its `SSL` object is internal to swift-nio-ssl), so the
/// binding is RFC 5929's `tls-server-end-point`: SHA-256 of the server's (acceptor's) leaf
/// certificate in DER, followed, when the dialler presented a certificate, by SHA-256 of the
/// dialler's leaf. The acceptor takes the server's leaf from its own settings and the
/// dialler's from the peer; the dialler the other way round. Every acceptor asks for a client
/// certificate (``TLSServerSettings/clientCertificates``), so a dialler that has one presents
/// it and both ends compute the same bytes.
///
/// Its limit: the binding names the certificates, not the session. A man in the middle who
/// holds the private keys of the certificates can still relay proofs between two TLS sessions
/// it terminates; without those keys it cannot present the certificates, so its sessions
/// have other bindings (RFC 5929 §4). The exporter would bind the session itself.
struct TLSChannelInfo: Sendable {
    /// Bytes that bind the cookie proof to this TLS channel: 32 bytes (server leaf) or 64
    /// (server leaf, then client leaf).
    let binding: [UInt8]
    /// The names in the peer's verified certificate; `nil` when it presented none.
    let peerNames: CertificateNames?
    /// Whether the peer had to present a certificate: always for an acceptor's (dialler side),
    /// per ``TLSServerSettings/clientCertificates`` for a dialler's (acceptor side).
    let peerCertificateRequired: Bool

    /// Whether the peer's verified certificate names `node` (see
    /// ``CertificateNames/name(_:)``): `true` also when the peer presented no certificate and
    /// none is required (server-authenticated TLS, on the acceptor side); `false` when it
    /// presented none and one is required.
    func certificate(names node: Node) -> Bool {
        guard let peerNames else { return !peerCertificateRequired }
        return peerNames.name(node)
    }
}
