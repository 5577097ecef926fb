import NIOSSL

/// The certificate authorities a node trusts: a peer's certificate chain must lead to one of
/// them (BoringSSL checks the chain, signatures and validity dates).
///
/// Only these are trusted, never the system's store: a cluster's certificates come from its
/// own CA.
public struct TLSTrustRoots: Sendable {
    /// The file the certificates came from.
    public let file: String
    /// The CA certificates.
    let certificates: [NIOSSLCertificate]

    /// Loads one or more CA certificates from the PEM file at `file`.
    ///
    /// - Throws: ``TLSSettingsError/fileNotFound(path:)``,
    ///   ``TLSSettingsError/fileUnreadable(path:reason:)``, or
    ///   ``TLSSettingsError/invalidCertificate(path:)`` when the file holds no certificate that
    ///   parses.
    public init(file: String) throws(TLSSettingsError) {
        self.file = file
        self.certificates = try TLSIdentity.certificates(in: file)
    }
}
