import Foundation
import Partisan

/// A temporary directory of PEM files for one test (private keys with mode 0600), removed
/// when the value goes away.
public final class TestCertificateDirectory: Sendable {
    /// The directory's path.
    public let path: String

    /// Creates an empty directory under the system's temporary directory.
    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-tls-\(UUID())").path
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` to the file `name` in the directory (mode 0600) and returns its path.
    @discardableResult
    public func write(_ contents: String, to name: String) throws -> String {
        let file = "\(path)/\(name)"
        guard
            FileManager.default.createFile(
                atPath: file, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file]) }
        return file
    }

    /// The files of one identity: the certificate and its key, written as `NAME.pem` and
    /// `NAME-key.pem`.
    public struct IdentityFiles: Sendable {
        /// The certificate's PEM file.
        public let certificate: String
        /// The private key's PEM file.
        public let privateKey: String
    }

    /// Writes `certificate` as `NAME.pem` and its key as `NAME-key.pem`.
    public func write(_ certificate: TestCertificate, as name: String) throws -> IdentityFiles {
        IdentityFiles(
            certificate: try write(certificate.certificatePEM, to: "\(name).pem"),
            privateKey: try write(certificate.privateKeyPEM, to: "\(name)-key.pem"))
    }

    /// Writes `authority`'s certificate as `NAME.pem` and returns its path.
    public func write(_ authority: TestCertificateAuthority, as name: String = "ca") throws -> String {
        try write(authority.certificatePEM, to: "\(name).pem")
    }

    /// Mutual TLS settings for a node that presents `certificate` and trusts `authority`
    /// (see ``TransportTLS/mutual(certificateChainFile:privateKeyFile:trustRootsFile:)``),
    /// with the files written here under `name`.
    public func mutualTLS(
        _ certificate: TestCertificate, as name: String, trusting authority: TestCertificateAuthority
    ) throws -> TransportTLS {
        let files = try write(certificate, as: name)
        return try TransportTLS.mutual(
            certificateChainFile: files.certificate, privateKeyFile: files.privateKey,
            trustRootsFile: try write(authority, as: "ca-\(name)"))
    }
}
