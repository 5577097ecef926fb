import Partisan
import PartisanTestSupport

/// Mutual TLS for the two nodes of the remote scenarios (`--tls`): a CA and one certificate
/// for 127.0.0.1 made at run time (as in the tests), written to a temporary directory that
/// both nodes read, the child process's too. The directory goes when the value does.
struct BenchTLS: Sendable {
    /// The directory of the PEM files.
    let directory: TestCertificateDirectory
    /// The nodes' certificate and key.
    let identity: TestCertificateDirectory.IdentityFiles
    /// The CA's certificate.
    let ca: String

    /// Makes the CA and the certificate and writes them.
    static func make() throws -> BenchTLS {
        let authority = try TestCertificateAuthority(name: "partisan-bench CA")
        let directory = try TestCertificateDirectory()
        return BenchTLS(
            directory: directory, identity: try directory.write(authority.issue(host: "127.0.0.1"), as: "node"),
            ca: try directory.write(authority))
    }

    /// The nodes' settings: mutual TLS from the files.
    func settings() throws -> TransportTLS {
        try TransportTLS.mutual(
            certificateChainFile: identity.certificate, privateKeyFile: identity.privateKey, trustRootsFile: ca)
    }

    /// The options that hand the files to `partisan-bench remote-server`.
    var arguments: [String] {
        ["--tls-cert", identity.certificate, "--tls-key", identity.privateKey, "--tls-ca", ca]
    }
}
