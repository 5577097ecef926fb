import Foundation
import PartisanTestSupport
import Testing

/// `--tls-cert`, `--tls-key`, `--tls-ca` on `partisan node` and its clients: every connection
/// runs mutual TLS. Certificates are made at run time.
@Suite(.serialized) struct CLITLSTests {
    /// The files of one CA and one certificate for 127.0.0.1 (nodes and clients alike).
    struct PKI {
        let files: TestCertificateDirectory
        let arguments: [String]

        init(name: String = "cluster") throws {
            let authority = try TestCertificateAuthority(name: "\(name) CA")
            files = try TestCertificateDirectory()
            let identity = try files.write(authority.issue(host: "127.0.0.1"), as: name)
            arguments = [
                "--tls-cert", identity.certificate, "--tls-key", identity.privateKey,
                "--tls-ca", try files.write(authority, as: "\(name)-ca"),
            ]
        }
    }

    static func run(_ command: String, at address: String, _ extra: [String]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try await CLIProcess.run([command, "--node", address, "--cookie", "clitest"] + extra)
    }

    @Test func test_tls_nodes_form_a_cluster_and_answer_clients_with_a_certificate_of_their_ca() async throws {
        try CLITests.requireBinary()
        let pki = try PKI()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a", extra: pki.arguments)
        let b = try await cluster.start("b", join: [a.address], extra: pki.arguments)
        let both = [a.name, b.name].sorted()
        try await eventually(timeout: .seconds(30), "a lists b over TLS") {
            let result = try await Self.run("members", at: a.address, pki.arguments)
            return result.status == 0 && result.stdout == both.map { "\($0)\n" }.joined()
        }
        let pong = try await Self.run("ping", at: b.address, pki.arguments)
        #expect(pong.status == 0 && pong.stdout == "pong\n", "stderr: \(pong.stderr)")
        let rpc = try await Self.run("rpc", at: a.address, pki.arguments + ["partisan.members"])
        #expect(rpc.status == 0, "stderr: \(rpc.stderr)")
    }

    @Test func test_clients_without_tls_or_with_another_cas_certificate_get_pang() async throws {
        try CLITests.requireBinary()
        let pki = try PKI()
        let stranger = try PKI(name: "stranger")
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a", extra: pki.arguments)
        for (what, extra) in [("no TLS", []), ("another CA", stranger.arguments)] {
            let pang = try await Self.run("ping", at: a.address, extra)
            #expect(pang.status == 1 && pang.stdout == "pang\n", "\(what): \(pang.stderr)")
            #expect(pang.stderr.split(separator: "\n").count == 1, "\(what): \(pang.stderr)")
        }
        let plain = try await Self.run("members", at: a.address, [])
        #expect(plain.status == 1 && plain.stderr.contains("the peer speaks TLS"), "\(plain.stderr)")
        let refused = try await Self.run("members", at: a.address, stranger.arguments)
        #expect(refused.status == 1 && refused.stderr.contains("TLS"), "\(refused.stderr)")
        // The node kept serving.
        let pong = try await Self.run("ping", at: a.address, pki.arguments)
        #expect(pong.status == 0, "stderr: \(pong.stderr)")
        #expect(a.process.isRunning)
    }

    @Test func test_tls_options_go_together_and_name_a_bad_file() async throws {
        try CLITests.requireBinary()
        let pki = try PKI()
        let partial = Array(pki.arguments.prefix(4))
        let missing = "\(pki.files.path)/absent.pem"
        let absent = [pki.arguments[0], pki.arguments[1], "--tls-key", missing, "--tls-ca", pki.arguments[5]]
        for command in [
            ["ping", "--node", "127.0.0.1:1"], ["node", "--name", "x@127.0.0.1", "--listen", "127.0.0.1:0"],
        ] {
            let together = try await CLIProcess.run(command + partial)
            #expect(together.status == 64 && together.stderr.contains("--tls-ca"), "\(together.stderr)")
            let named = try await CLIProcess.run(command + absent)
            #expect(named.status == 64 && named.stderr.contains("no such file: \(missing)"), "\(named.stderr)")
        }
        let keyAsCertificate = [pki.arguments[0], pki.arguments[3]] + Array(pki.arguments[2...])
        let invalid = try await CLIProcess.run(["ping", "--node", "127.0.0.1:1"] + keyAsCertificate)
        #expect(invalid.status == 64 && invalid.stderr.contains("no valid PEM certificate in \(pki.arguments[3])"))
        #expect(!invalid.stderr.contains("PRIVATE KEY"))
    }
}
