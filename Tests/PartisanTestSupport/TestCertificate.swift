/// A certificate and its private key made at run time by a ``TestCertificateAuthority``, as
/// PEM text. Never written anywhere but a test's temporary directory.
public struct TestCertificate: Sendable {
    /// The certificate, PEM.
    public let certificatePEM: String
    /// The certificate's private key, PKCS#8 PEM.
    public let privateKeyPEM: String
}
