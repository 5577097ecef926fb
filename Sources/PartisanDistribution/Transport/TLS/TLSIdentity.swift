import Crypto
import NIOSSL

/// A certificate chain and its private key: what one side of a TLS connection presents.
///
/// Loaded once, from PEM files, when the value is made; the files are not read again. The
/// chain's first certificate is the leaf (the node's own), the others are intermediates in
/// order; the private key is the leaf's, unencrypted (PKCS#8 or the key type's own PEM form).
public struct TLSIdentity: Sendable {
    /// The file the certificate chain came from.
    public let certificateChainFile: String
    /// The file the private key came from.
    public let privateKeyFile: String
    /// The chain, leaf first.
    let certificates: [NIOSSLCertificate]
    /// The leaf's private key.
    let privateKey: NIOSSLPrivateKey
    /// SHA-256 of the leaf certificate's DER encoding (its RFC 5929 `tls-server-end-point`
    /// value, for a SHA-256-signed certificate).
    let leafDigest: [UInt8]

    /// Loads the chain from `certificateChainFile` and the key from `privateKeyFile` (both PEM).
    ///
    /// - Throws: ``TLSSettingsError/fileNotFound(path:)`` or
    ///   ``TLSSettingsError/fileUnreadable(path:reason:)`` for a file that cannot be read,
    ///   ``TLSSettingsError/invalidCertificate(path:)`` or
    ///   ``TLSSettingsError/invalidPrivateKey(path:)`` for one that does not parse. Whether the
    ///   key fits the chain is checked when ``TransportTLS`` is made.
    public init(certificateChainFile: String, privateKeyFile: String) throws(TLSSettingsError) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.certificates = try Self.certificates(in: certificateChainFile)
        var keyBytes = try PEMFile.contents(of: privateKeyFile)
        defer { PEMFile.wipe(&keyBytes) }
        do {
            self.privateKey = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw .invalidPrivateKey(path: privateKeyFile)
        }
        guard let leaf = try? certificates[0].toDERBytes() else {
            throw .invalidCertificate(path: certificateChainFile)
        }
        self.leafDigest = Array(SHA256.hash(data: leaf))
    }

    /// The PEM certificates in the file at `path`, in file order; at least one.
    static func certificates(in path: String) throws(TLSSettingsError) -> [NIOSSLCertificate] {
        let bytes = try PEMFile.contents(of: path)
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes), !certificates.isEmpty else {
            throw .invalidCertificate(path: path)
        }
        return certificates
    }
}
