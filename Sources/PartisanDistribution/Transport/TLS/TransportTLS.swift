import NIOCore
import NIOSSL

/// TLS on every connection of a node: the settings it accepts with and those it dials with.
///
/// Set it as ``TransportConfiguration/tls``; every channel and connection of the node then
/// runs TLS 1.3, in both directions and on every listener (per-loop listeners included), and
/// the cookie handshake runs inside it. Certificates are checked by BoringSSL against the
/// configured CAs only (chain, signatures, validity dates), never against the system's store.
/// Host names are not checked by TLS: peers are named by node name, so the handshake checks
/// instead, once the peer has said who it is, that the peer's certificate names that node
/// (see ``TLSChannelInfo``): a subject alternative name that is the node's host (a DNS name,
/// or an IP address for a numeric host) or the URI `partisan://NAME@HOST` of the full node
/// name. A host name admits every node name on that host; the URI pins one.
///
/// ```swift
/// let tls = try TransportTLS.mutual(
///     certificateChainFile: "node.pem", privateKeyFile: "node-key.pem", trustRootsFile: "ca.pem")
/// let node = try await PartisanNode.start(name: "a@10.0.0.1", host: "10.0.0.1", port: 9100, cookie: cookie) {
///     $0.tls = tls
/// }
/// ```
public struct TransportTLS: Sendable {
    /// How this node accepts connections (Partisan's `tls_server_options`).
    public let server: TLSServerSettings
    /// How this node dials (Partisan's `tls_client_options`).
    public let client: TLSClientSettings
    /// The context of every accepted connection, made once.
    let serverContext: NIOSSLContext
    /// The context of every dialled connection, made once.
    let clientContext: NIOSSLContext

    /// How long closing a connection waits for the peer's TLS close before it closes TCP
    /// anyway (swift-nio-ssl's default is 5 s): a hung peer delays a close by at most this.
    static let shutdownTimeout = TimeAmount.seconds(1)

    /// Checks the settings with BoringSSL and makes the contexts every connection shares.
    ///
    /// - Throws: ``TLSSettingsError/unusableIdentity(certificateChainFile:privateKeyFile:reason:)``
    ///   when an identity's key does not fit its certificate, ``TLSSettingsError/rejected(reason:)``
    ///   when BoringSSL refuses the settings otherwise.
    public init(server: TLSServerSettings, client: TLSClientSettings) throws(TLSSettingsError) {
        self.server = server
        self.client = client

        var accepting = TLSConfiguration.makeServerConfiguration(
            certificateChain: server.identity.certificates.map { .certificate($0) },
            privateKey: .privateKey(server.identity.privateKey))
        accepting.minimumTLSVersion = .tlsv13
        accepting.shutdownTimeout = Self.shutdownTimeout
        accepting.trustRoots = .certificates(server.trustRoots.certificates)
        // Both modes ask for a certificate (BoringSSL's SSL_VERIFY_PEER); `.required` also
        // refuses a dialler that presents none.
        accepting.certificateVerification =
            server.clientCertificates == .required ? .noHostnameVerification : .optionalVerification
        self.serverContext = try Self.context(accepting, identity: server.identity)

        var dialling = TLSConfiguration.makeClientConfiguration()
        dialling.minimumTLSVersion = .tlsv13
        dialling.shutdownTimeout = Self.shutdownTimeout
        dialling.trustRoots = .certificates(client.trustRoots.certificates)
        dialling.certificateVerification = .noHostnameVerification
        if let identity = client.identity {
            dialling.certificateChain = identity.certificates.map { .certificate($0) }
            dialling.privateKey = .privateKey(identity.privateKey)
        }
        self.clientContext = try Self.context(dialling, identity: client.identity)
    }

    /// Mutual TLS with one identity: the node presents the certificate in
    /// `certificateChainFile` (key in `privateKeyFile`) whether it accepts or dials, and
    /// requires every peer to present one that leads to a CA in `trustRootsFile`.
    ///
    /// The certificate serves both roles, so if it has an extended key usage, it must allow
    /// both TLS server and TLS client authentication.
    ///
    /// - Throws: ``TLSSettingsError`` naming the file that is missing, unreadable or invalid.
    public static func mutual(
        certificateChainFile: String, privateKeyFile: String, trustRootsFile: String
    ) throws(TLSSettingsError) -> TransportTLS {
        let identity = try TLSIdentity(certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile)
        let trustRoots = try TLSTrustRoots(file: trustRootsFile)
        return try TransportTLS(
            server: TLSServerSettings(identity: identity, trustRoots: trustRoots, clientCertificates: .required),
            client: TLSClientSettings(trustRoots: trustRoots, identity: identity))
    }

    private static func context(
        _ configuration: TLSConfiguration, identity: TLSIdentity?
    ) throws(TLSSettingsError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            let reason = TLSFailure.reason(of: error)
            guard let identity else { throw .rejected(reason: reason) }
            throw .unusableIdentity(
                certificateChainFile: identity.certificateChainFile, privateKeyFile: identity.privateKeyFile,
                reason: reason)
        }
    }
}
