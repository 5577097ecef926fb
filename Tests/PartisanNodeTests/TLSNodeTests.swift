import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// Nodes whose every connection runs mutual TLS (``TransportConfiguration/tls``), set through
/// `PartisanNode.start`'s `configuration` closure. Certificates are made at run time.
@Suite struct TLSNodeTests {
    private static let serial = Atomic<Int>(0)

    /// A CA and the directory its node certificates are written to.
    struct PKI {
        let authority: TestCertificateAuthority
        let files: TestCertificateDirectory

        init() throws {
            authority = try TestCertificateAuthority()
            files = try TestCertificateDirectory()
        }

        /// Mutual TLS for a node on 127.0.0.1 (its certificate names the host and `name`).
        func mutual(_ name: Node) throws -> TransportTLS {
            try files.mutualTLS(
                authority.issue(host: "127.0.0.1", nodes: [name.name]), as: name.name, trusting: authority)
        }
    }

    /// Starts a node named `role` with `tls`.
    private func start(_ role: String, tls: (Node) throws -> TransportTLS?) async throws -> PartisanNode {
        let serial = Self.serial.wrappingAdd(1, ordering: .relaxed).oldValue
        let name = try Node(validating: "tls\(serial)\(role)@127.0.0.1")
        let settings = try tls(name)
        return try await startNode(name, cookie: "tls-cookie") { $0.tls = settings }
    }

    @Test func two_nodes_over_mutual_tls_exchange_messages_and_a_genserver_call() async throws {
        let pki = try PKI()
        let a = try await start("a", tls: pki.mutual)
        let b = try await start("b", tls: pki.mutual)
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        try await a.connect(to: b.listenAddress!)
        try await eventually { a.isFullyConnected(b.name) && b.isFullyConnected(a.name) }
        // b dialled back on the per-loop listeners a announced: those run TLS too.
        // (a's end of each completes its handshake after b's, on b's `established`.)
        try await eventually("b's dial-back arrived at a's per-loop listeners") {
            a.kernel!.connections(with: b.name).contains { $0.direction == .inbound && !$0.lane.ports.isEmpty }
        }
        #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
        #expect(try await echoRoundTrip(from: b, to: a) == "echo: hello")

        b.registerMessageTypes(of: RemoteStore.self)
        a.registerMessageTypes(of: RemoteStore.self)
        _ = try await b.startGenServer(RemoteStore(), name: "store")
        let store = a.genServer(RemoteStore.self, named: "store", on: b.name)
        #expect(try await store.call(.put(41)) == 41)
        store.cast(.add(1))
        #expect(try await store.call(.get) == 42)
    }

    @Test func a_plain_tcp_node_cannot_connect_to_a_tls_node_which_keeps_serving() async throws {
        let pki = try PKI()
        let secure = try await start("s", tls: pki.mutual)
        let plain = try await start("p") { _ in nil }
        let peer = try await start("q", tls: pki.mutual)
        defer {
            Task {
                await secure.shutdown()
                await plain.shutdown()
                await peer.shutdown()
            }
        }
        await #expect(throws: TransportError.self) { try await plain.connect(to: secure.listenAddress!) }
        #expect(!secure.isConnected(plain.name) && !plain.isConnected(secure.name))
        try await peer.connect(to: secure.listenAddress!)
        #expect(try await echoRoundTrip(from: peer, to: secure) == "echo: hello")
    }

    @Test func a_node_whose_certificate_comes_from_another_ca_cannot_connect() async throws {
        let pki = try PKI()
        let other = try PKI()
        let a = try await start("a", tls: pki.mutual)
        let stranger = try await start("x", tls: other.mutual)
        defer {
            Task {
                await a.shutdown()
                await stranger.shutdown()
            }
        }
        do {
            try await stranger.connect(to: a.listenAddress!)
            Issue.record("a node of another CA connected")
        } catch TransportError.tls(let failure) {
            // The stranger does not trust a's CA: it refuses a's certificate first.
            guard case .peerCertificateRefused(let reason) = failure else {
                Issue.record("expected the stranger to refuse a's certificate, got \(failure)")
                return
            }
            #expect(reason.contains("CERTIFICATE_VERIFY_FAILED"))
        }
        #expect(!a.isConnected(stranger.name))
    }
}
