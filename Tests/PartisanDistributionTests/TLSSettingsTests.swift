import Foundation
import PartisanTestSupport
import Testing

@testable import PartisanDistribution

/// Loading TLS settings from PEM files: every failure names its file and never its contents.
@Suite struct TLSSettingsTests {
    let authority: TestCertificateAuthority
    let files: TestCertificateDirectory
    let node: TestCertificateDirectory.IdentityFiles
    let ca: String

    init() throws {
        authority = try TestCertificateAuthority()
        files = try TestCertificateDirectory()
        node = try files.write(authority.issue(host: "127.0.0.1"), as: "node")
        ca = try files.write(authority)
    }

    func loadError(certificate: String, key: String, ca: String) -> TLSSettingsError? {
        do {
            _ = try TransportTLS.mutual(certificateChainFile: certificate, privateKeyFile: key, trustRootsFile: ca)
            return nil
        } catch {
            return error
        }
    }

    @Test func valid_files_make_settings_whose_leaf_digest_is_32_bytes() throws {
        let tls = try TransportTLS.mutual(
            certificateChainFile: node.certificate, privateKeyFile: node.privateKey, trustRootsFile: ca)
        #expect(tls.server.identity.leafDigest.count == 32)
        #expect(tls.client.identity?.leafDigest == tls.server.identity.leafDigest)
        #expect(tls.server.clientCertificates == .required)
        #expect(tls.server.identity.certificateChainFile == node.certificate && tls.client.trustRoots.file == ca)
    }

    @Test func a_missing_file_is_named() {
        let missing = "\(files.path)/absent.pem"
        #expect(loadError(certificate: missing, key: node.privateKey, ca: ca) == .fileNotFound(path: missing))
        #expect(loadError(certificate: node.certificate, key: missing, ca: ca) == .fileNotFound(path: missing))
        #expect(
            loadError(certificate: node.certificate, key: node.privateKey, ca: missing) == .fileNotFound(path: missing))
        #expect("\(TLSSettingsError.fileNotFound(path: missing))" == "no such file: \(missing)")
    }

    @Test func a_directory_is_unreadable() {
        guard
            case .fileUnreadable(let path, let reason) = loadError(
                certificate: node.certificate, key: files.path, ca: ca)
        else {
            Issue.record("a directory was read as a key")
            return
        }
        #expect(path == files.path && reason.lowercased().contains("directory"))
    }

    @Test func a_file_without_a_certificate_is_invalid() throws {
        let garbage = try files.write("not a certificate\n", to: "garbage.pem")
        #expect(loadError(certificate: garbage, key: node.privateKey, ca: ca) == .invalidCertificate(path: garbage))
        #expect(
            loadError(certificate: node.certificate, key: node.privateKey, ca: garbage)
                == .invalidCertificate(path: garbage))
    }

    @Test func a_bad_key_is_named_and_its_contents_are_never_shown() throws {
        let keyText = try String(contentsOfFile: node.privateKey, encoding: .utf8)
        // A key given as the certificate, and a certificate given as the key.
        let asCertificate = loadError(certificate: node.privateKey, key: node.privateKey, ca: ca)
        #expect(asCertificate == .invalidCertificate(path: node.privateKey))
        let asKey = loadError(certificate: node.certificate, key: node.certificate, ca: ca)
        #expect(asKey == .invalidPrivateKey(path: node.certificate))
        let truncated = try files.write(String(keyText.prefix(80)), to: "truncated-key.pem")
        let error = try #require(loadError(certificate: node.certificate, key: truncated, ca: ca))
        #expect(error == .invalidPrivateKey(path: truncated))
        let body = keyText.split(separator: "\n").dropFirst().first.map(String.init) ?? keyText
        for failure in [asCertificate, asKey, error].compactMap({ $0 }) {
            #expect(!"\(failure)".contains(body))
        }
    }

    @Test func a_key_that_does_not_fit_the_certificate_is_refused() throws {
        let other = try files.write(authority.issue(host: "127.0.0.1"), as: "other")
        let error = loadError(certificate: node.certificate, key: other.privateKey, ca: ca)
        guard case .unusableIdentity(let chain, let key, _) = error else {
            Issue.record("a key of another certificate was accepted: \(String(describing: error))")
            return
        }
        #expect(chain == node.certificate && key == other.privateKey)
    }
}
