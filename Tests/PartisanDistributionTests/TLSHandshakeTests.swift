import NIOCore
import PartisanCore
import PartisanTestSupport
import Testing

@testable import PartisanDistribution

/// The cookie handshake inside TLS: the proofs cover the channel binding, and a certificate
/// from the right CA that names another node is refused on either side.
@Suite struct TLSHandshakeTests {
    typealias PKI = TransportTLSTests.PKI

    /// Mutual TLS for `node` with a certificate that names `host` instead of the node's own.
    private func tls(_ node: String, namingHost host: String, _ pki: PKI) throws -> TransportTLS {
        try pki.files.mutualTLS(pki.authority.issue(host: host), as: node, trusting: pki.authority)
    }

    @Test func a_dialler_gives_no_proof_to_an_acceptor_whose_certificate_names_another_node() async throws {
        let pki = try PKI()
        let (b, bRecorder) = try await startEndpoint("tls-nb@127.0.0.1") {
            $0.tls = try? tls("tls-nb@127.0.0.1", namingHost: "elsewhere.example", pki)
        }
        let (a, aRecorder) = try await startEndpoint("tls-na@127.0.0.1") {
            $0.tls = try? pki.mutual("tls-na@127.0.0.1")
        }
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        await #expect(throws: TransportError.handshake(.certificateMismatch)) {
            _ = try await a.connect(to: b.listenAddress, channel: "default")
        }
        // The acceptor waited for a proof that never came, and was told why.
        try await eventually { bRecorder.failures == [.refusedByPeer("bad_certificate")] }
        #expect(aRecorder.established.isEmpty && bRecorder.established.isEmpty)
    }

    @Test func an_acceptor_refuses_a_dialler_whose_certificate_names_another_node() async throws {
        let pki = try PKI()
        let (b, bRecorder) = try await startEndpoint("tls-mb@127.0.0.1") {
            $0.tls = try? pki.mutual("tls-mb@127.0.0.1")
        }
        let (a, _) = try await startEndpoint("tls-ma@127.0.0.1") {
            $0.tls = try? tls("tls-ma@127.0.0.1", namingHost: "elsewhere.example", pki)
        }
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        await #expect(throws: TransportError.handshake(.refusedByPeer("bad_certificate"))) {
            _ = try await a.connect(to: b.listenAddress, channel: "default")
        }
        try await eventually { bRecorder.failures == [.certificateMismatch] }
        #expect(bRecorder.established.isEmpty)
    }

    @Test func over_tls_the_proofs_cover_the_binding_of_the_certificates() async throws {
        let pki = try PKI()
        let (b, bRecorder) = try await startEndpoint("tls-pb@127.0.0.1") {
            $0.tls = try? pki.mutual("tls-pb@127.0.0.1")
        }
        let (a, _) = try await startEndpoint("tls-pa@127.0.0.1") { $0.tls = try? pki.mutual("tls-pa@127.0.0.1") }
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let connection = try await a.connect(to: b.listenAddress, channel: "default", expecting: b.node)
        let info = try #require(
            await connection.channel.eventLoop.submit { a.core.tlsInfo(of: connection.channel) }.get())
        // Both certificates' digests: 64 bytes that a proof made on plain TCP (no binding) lacks.
        #expect(info.binding.count == 64)
        let transcript = HandshakeProof(diallerHello: [1], acceptorHello: [2])
        #expect(
            !transcript.verify(
                transcript.mac(.dialler, cookie: "secret", binding: []), from: .dialler, cookie: "secret",
                binding: info.binding))
        try connection.send("over tls")
        try await eventually { bRecorder.terms(on: "default") == ["over tls"] }
    }
}
