import ArgumentParser
import Partisan

/// `--tls-cert`, `--tls-key`, `--tls-ca`: shared by `partisan node` and the client commands.
/// With the three, every connection runs mutual TLS: the node or client presents the
/// certificate and requires its peers to present one from the same CA.
struct TLSOptions: ParsableArguments {
    @Option(
        name: .customLong("tls-cert"),
        help: "PEM certificate (chain) to present; with --tls-key and --tls-ca every connection runs mutual TLS.")
    var certificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert (unencrypted).")
    var key: String?

    @Option(name: .customLong("tls-ca"), help: "PEM certificate(s) of the CA that peers' certificates must lead to.")
    var ca: String?

    func validate() throws {
        let missing = [("--tls-cert", certificate), ("--tls-key", key), ("--tls-ca", ca)].filter { $0.1 == nil }
        guard missing.isEmpty || missing.count == 3 else {
            throw ValidationError(
                "--tls-cert, --tls-key and --tls-ca go together; missing \(missing.map(\.0).joined(separator: ", "))")
        }
        _ = try settings()
    }

    /// Mutual TLS from the three files, or `nil` without the options.
    ///
    /// - Throws: a `ValidationError` naming the file that is missing, unreadable or invalid.
    func settings() throws -> TransportTLS? {
        guard let certificate, let key, let ca else { return nil }
        do {
            return try TransportTLS.mutual(certificateChainFile: certificate, privateKeyFile: key, trustRootsFile: ca)
        } catch {
            throw ValidationError("TLS: \(error)")
        }
    }
}
