import NIOCore
import NIOPosix
import PartisanCore
import PartisanTestSupport
import Synchronization
import Testing

@testable import PartisanDistribution

/// TLS and mutual TLS on the transport: every connection, the failures a dialler sees, and
/// what ``TLSChannelInfo`` tells the handshake. Certificates are made at run time.
@Suite struct TransportTLSTests {
    /// One CA, a directory for the PEM files, and TLS settings per node name.
    struct PKI {
        let authority: TestCertificateAuthority
        let files: TestCertificateDirectory

        init() throws {
            authority = try TestCertificateAuthority()
            files = try TestCertificateDirectory()
        }

        /// Mutual TLS for `node` with a certificate that names its host.
        func mutual(_ node: String) throws -> TransportTLS {
            let host = String(node.split(separator: "@")[1])
            return try files.mutualTLS(authority.issue(host: host), as: node, trusting: authority)
        }
    }

    /// Starts endpoint `name` with mutual TLS from `pki`.
    func start(
        _ name: String, _ pki: PKI, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> (TransportEndpoint, Recorder) {
        let tls = try pki.mutual(name)
        return try await startEndpoint(name, group: group) { $0.tls = tls }
    }

    /// The TLS info of both ends of `a`'s outbound connection on `default` to `b`.
    func infos(
        _ a: TransportEndpoint, _ outbound: Connection, _ b: TransportEndpoint, _ bRecorder: Recorder
    ) async throws -> (dialler: TLSChannelInfo?, acceptor: TLSChannelInfo?) {
        // The acceptor completes its handshake after the dialler (on the dialler's `established`).
        let isInbound: @Sendable (Connection) -> Bool = {
            $0.info.peer == a.node && $0.info.direction == .inbound && $0.info.channel.name == "default"
        }
        try await eventually("the acceptor's end established") { bRecorder.established.contains(where: isInbound) }
        let inbound = try #require(bRecorder.established.first(where: isInbound))
        let dialler = try await outbound.channel.eventLoop.submit { a.core.tlsInfo(of: outbound.channel) }.get()
        let acceptor = try await inbound.channel.eventLoop.submit { b.core.tlsInfo(of: inbound.channel) }.get()
        return (dialler, acceptor)
    }

    @Test func two_endpoints_over_mutual_tls_exchange_terms_both_ways() async throws {
        let pki = try PKI()
        let (a, aRecorder) = try await start("tls-a@127.0.0.1", pki)
        let (b, bRecorder) = try await start("tls-b@127.0.0.1", pki)
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        #expect(a.configuration.tls != nil && b.configuration.tls != nil)
        let aToB = try await a.connect(to: b.listenAddress, expecting: b.node)
        try aToB.send("over tls", on: "default", key: 0)
        try await eventually { bRecorder.terms(on: "default") == ["over tls"] }
        let inbound = try #require(bRecorder.established.first { $0.info.direction == .inbound })
        try inbound.send("answer")
        try await eventually { aRecorder.terms(on: inbound.info.channel.name) == ["answer"] }
    }

    @Test func both_ends_of_a_connection_compute_the_same_binding_and_check_each_others_names() async throws {
        let pki = try PKI()
        let (a, _) = try await start("tls-ba@127.0.0.1", pki)
        let (b, bRecorder) = try await start("tls-bb@127.0.0.1", pki)
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let aToB = try await a.connect(to: b.listenAddress, expecting: b.node)
        let outbound = try #require(aToB.connection(on: "default", key: 0))
        let (dialler, acceptor) = try await infos(a, outbound, b, bRecorder)
        let d = try #require(dialler)
        let c = try #require(acceptor)
        // Mutual TLS: SHA-256 of the server's leaf, then of the client's.
        #expect(d.binding.count == 64 && d.binding == c.binding)
        // Both certificates name host 127.0.0.1: every node on that host, no other host.
        #expect(d.certificate(names: b.node) && c.certificate(names: a.node))
        #expect(d.certificate(names: "other@127.0.0.1"))
        #expect(!d.certificate(names: "tls-bb@10.0.0.9") && !c.certificate(names: "tls-ba@example.org"))
    }

    @Test func the_binding_differs_between_server_certificates() async throws {
        let pki = try PKI()
        let (a, _) = try await start("tls-da@127.0.0.1", pki)
        let (b, bRecorder) = try await start("tls-db@127.0.0.1", pki)
        let (c, cRecorder) = try await start("tls-dc@127.0.0.1", pki)
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
                await c.shutdown()
            }
        }
        let toB = try #require(try await a.connect(to: b.listenAddress).connection(on: "default", key: 0))
        let toC = try #require(try await a.connect(to: c.listenAddress).connection(on: "default", key: 0))
        let viaB = try #require(try await infos(a, toB, b, bRecorder).dialler)
        let viaC = try #require(try await infos(a, toC, c, cRecorder).dialler)
        // Same client certificate (a's), different server certificates.
        #expect(viaB.binding.suffix(32) == viaC.binding.suffix(32))
        #expect(viaB.binding.prefix(32) != viaC.binding.prefix(32))
        // Two connections to the same server share it: the binding names certificates, not sessions.
        let again = try #require(try await a.connect(to: b.listenAddress).connection(on: "default", key: 0))
        #expect(try #require(try await infos(a, again, b, bRecorder).dialler).binding == viaB.binding)
    }

    @Test func plain_tcp_has_no_tls_info() async throws {
        let (a, _) = try await startEndpoint("tls-pa@127.0.0.1")
        let (b, bRecorder) = try await startEndpoint("tls-pb@127.0.0.1")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let outbound = try #require(try await a.connect(to: b.listenAddress).connection(on: "default", key: 0))
        let (dialler, acceptor) = try await infos(a, outbound, b, bRecorder)
        #expect(dialler == nil && acceptor == nil)
    }

    @Test func certificate_names_a_node_by_host_ip_dns_name_or_node_uri() {
        let byIP = TLSChannelInfo(
            binding: [], peerNames: CertificateNames(ipAddresses: [[127, 0, 0, 1]]), peerCertificateRequired: true)
        #expect(byIP.certificate(names: "a@127.0.0.1") && byIP.certificate(names: "b@127.0.0.1"))
        #expect(!byIP.certificate(names: "a@127.0.0.2") && !byIP.certificate(names: "a@localhost"))
        let byIPv6 = TLSChannelInfo(
            binding: [], peerNames: CertificateNames(ipAddresses: [[0xFD] + [UInt8](repeating: 0, count: 14) + [5]]),
            peerCertificateRequired: true)
        #expect(byIPv6.certificate(names: "a@fd00::5") && byIPv6.certificate(names: "a@fd00:0:0:0:0:0:0:5"))
        #expect(!byIPv6.certificate(names: "a@fd00::6") && !byIPv6.certificate(names: "a@127.0.0.1"))

        let byDNS = TLSChannelInfo(
            binding: [], peerNames: CertificateNames(dnsNames: ["Node1.Example.org."]), peerCertificateRequired: true)
        #expect(byDNS.certificate(names: "a@node1.example.org") && byDNS.certificate(names: "a@NODE1.example.org."))
        #expect(!byDNS.certificate(names: "a@node2.example.org") && !byDNS.certificate(names: "a@example.org"))

        let wildcard = TLSChannelInfo(
            binding: [], peerNames: CertificateNames(dnsNames: ["*.example.org"]), peerCertificateRequired: true)
        #expect(!wildcard.certificate(names: "a@node1.example.org"))

        // A host given as a DNS name does not name a numeric host.
        let numericDNS = TLSChannelInfo(
            binding: [], peerNames: CertificateNames(dnsNames: ["127.0.0.1"]), peerCertificateRequired: true)
        #expect(!numericDNS.certificate(names: "a@127.0.0.1"))

        let byURI = TLSChannelInfo(
            binding: [], peerNames: CertificateNames(uris: ["partisan://a@10.0.0.1"]), peerCertificateRequired: true)
        #expect(byURI.certificate(names: "a@10.0.0.1"))
        #expect(!byURI.certificate(names: "b@10.0.0.1") && !byURI.certificate(names: "a@10.0.0.2"))

        let none = TLSChannelInfo(binding: [], peerNames: nil, peerCertificateRequired: true)
        #expect(!none.certificate(names: "a@127.0.0.1"))
        let optional = TLSChannelInfo(binding: [], peerNames: nil, peerCertificateRequired: false)
        #expect(optional.certificate(names: "a@127.0.0.1"))
        let empty = TLSChannelInfo(binding: [], peerNames: CertificateNames(), peerCertificateRequired: false)
        #expect(!empty.certificate(names: "a@127.0.0.1"))
    }

    @Test func the_names_are_read_from_a_real_certificate() async throws {
        let pki = try PKI()
        let certificate = try pki.authority.issue(
            commonName: "n", dnsNames: ["node.example.org"], ipAddresses: ["10.1.2.3"],
            uris: ["partisan://n@somewhere"])
        let files = try pki.files.write(certificate, as: "names")
        let identity = try TLSIdentity(certificateChainFile: files.certificate, privateKeyFile: files.privateKey)
        let names = CertificateNames(identity.certificates[0])
        #expect(
            names
                == CertificateNames(
                    dnsNames: ["node.example.org"], ipAddresses: [[10, 1, 2, 3]], uris: ["partisan://n@somewhere"]))
        #expect(names.name("x@node.example.org") && names.name("x@10.1.2.3") && names.name("n@somewhere"))
        #expect(!names.name("m@somewhere"))
    }

    // MARK: Refusals

    /// Dials `b` from an endpoint with `tls`, expecting the connect to fail; returns its error.
    func refusedDial(to b: TransportEndpoint, tls: TransportTLS?, name: String) async throws -> TransportError {
        let (dialler, _) = try await startEndpoint(name) { $0.tls = tls }
        defer { Task { await dialler.shutdown() } }
        do {
            _ = try await dialler.connect(to: b.listenAddress, channel: "default")
        } catch let error as TransportError {
            return error
        }
        Issue.record("\(name) connected to \(b.node)")
        return .shutDown
    }

    /// `b` still accepts a dialler with a good certificate.
    func stillServes(_ b: TransportEndpoint, pki: PKI, name: String) async throws {
        let (good, _) = try await start(name, pki)
        defer { Task { await good.shutdown() } }
        _ = try await good.connect(to: b.listenAddress, channel: "default", expecting: b.node)
    }

    @Test func mutual_tls_refuses_a_dialler_without_a_certificate() async throws {
        let pki = try PKI()
        let (b, bRecorder) = try await start("tls-rb@127.0.0.1", pki)
        defer { Task { await b.shutdown() } }
        let anonymous = try TransportTLS(
            server: TLSServerSettings(
                identity: try pki.mutual("tls-rn@127.0.0.1").server.identity,
                trustRoots: TLSTrustRoots(file: pki.files.write(pki.authority)), clientCertificates: .optional),
            client: TLSClientSettings(trustRoots: TLSTrustRoots(file: pki.files.write(pki.authority)), identity: nil))
        let error = try await refusedDial(to: b, tls: anonymous, name: "tls-rn@127.0.0.1")
        guard case .tls(.refusedByPeer) = error else {
            Issue.record("expected the acceptor's alert, got \(error)")
            return
        }
        #expect(bRecorder.established.isEmpty)
        try await stillServes(b, pki: pki, name: "tls-rg@127.0.0.1")
    }

    @Test func mutual_tls_refuses_a_dialler_whose_certificate_comes_from_another_ca() async throws {
        let pki = try PKI()
        let other = try PKI()
        let (b, bRecorder) = try await start("tls-ob@127.0.0.1", pki)
        defer { Task { await b.shutdown() } }
        // The stranger trusts b's CA (so it accepts b), but its own certificate is another CA's.
        let strangerFiles = try other.files.write(other.authority.issue(host: "127.0.0.1"), as: "stranger")
        let identity = try TLSIdentity(
            certificateChainFile: strangerFiles.certificate, privateKeyFile: strangerFiles.privateKey)
        let stranger = try TransportTLS(
            server: TLSServerSettings(
                identity: identity, trustRoots: TLSTrustRoots(file: other.files.write(other.authority))),
            client: TLSClientSettings(
                trustRoots: TLSTrustRoots(file: pki.files.write(pki.authority)), identity: identity))
        let error = try await refusedDial(to: b, tls: stranger, name: "tls-os@127.0.0.1")
        guard case .tls(.refusedByPeer) = error else {
            Issue.record("expected the acceptor's alert, got \(error)")
            return
        }
        #expect(bRecorder.established.isEmpty)
        try await stillServes(b, pki: pki, name: "tls-og@127.0.0.1")
    }

    @Test func a_dialler_refuses_an_acceptor_whose_certificate_comes_from_another_ca() async throws {
        let pki = try PKI()
        let other = try PKI()
        let (b, _) = try await start("tls-xb@127.0.0.1", other)
        defer { Task { await b.shutdown() } }
        let error = try await refusedDial(to: b, tls: try pki.mutual("tls-xa@127.0.0.1"), name: "tls-xa@127.0.0.1")
        guard case .tls(.peerCertificateRefused(let reason)) = error else {
            Issue.record("expected the dialler to refuse the certificate, got \(error)")
            return
        }
        #expect(reason.contains("CERTIFICATE_VERIFY_FAILED"))
    }

    @Test func an_expired_certificate_is_refused() async throws {
        let pki = try PKI()
        let (b, bRecorder) = try await start("tls-eb@127.0.0.1", pki)
        defer { Task { await b.shutdown() } }
        let expired = try pki.files.mutualTLS(
            pki.authority.issue(host: "127.0.0.1", validFor: -3600), as: "expired", trusting: pki.authority)
        let error = try await refusedDial(to: b, tls: expired, name: "tls-ee@127.0.0.1")
        guard case .tls(.refusedByPeer) = error else {
            Issue.record("expected the acceptor's alert, got \(error)")
            return
        }
        #expect(bRecorder.established.isEmpty)
    }

    @Test func a_plain_tcp_dialler_fails_cleanly_against_a_tls_endpoint_which_keeps_serving() async throws {
        let pki = try PKI()
        let (b, bRecorder) = try await start("tls-cb@127.0.0.1", pki)
        defer { Task { await b.shutdown() } }
        let error = try await refusedDial(to: b, tls: nil, name: "tls-cp@127.0.0.1")
        #expect(error == .tls(.peerUsesTLS))
        #expect(bRecorder.established.isEmpty)
        try await stillServes(b, pki: pki, name: "tls-cg@127.0.0.1")
    }

    @Test func a_tls_dialler_fails_cleanly_against_a_plain_tcp_endpoint() async throws {
        let pki = try PKI()
        let (b, bRecorder) = try await startEndpoint("tls-tb@127.0.0.1")
        defer { Task { await b.shutdown() } }
        let error = try await refusedDial(to: b, tls: try pki.mutual("tls-tt@127.0.0.1"), name: "tls-tt@127.0.0.1")
        guard case .tls = error else {
            Issue.record("expected a TLS failure, got \(error)")
            return
        }
        #expect(bRecorder.established.isEmpty)
        // The plain endpoint keeps serving plain diallers.
        let (plain, _) = try await startEndpoint("tls-tp@127.0.0.1")
        defer { Task { await plain.shutdown() } }
        _ = try await plain.connect(to: b.listenAddress, channel: "default", expecting: b.node)
    }

    @Test func a_silent_peer_is_closed_when_the_handshake_times_out_before_tls_completes() async throws {
        let pki = try PKI()
        let tls = try pki.mutual("tls-sb@127.0.0.1")
        let (b, bRecorder) = try await startEndpoint("tls-sb@127.0.0.1") {
            $0.tls = tls
            $0.handshakeTimeout = .milliseconds(200)
        }
        defer { Task { await b.shutdown() } }
        // A TCP connection that never starts TLS, and one that stops after a partial record.
        let silent = try await rawClient(to: b.listenAddress)
        let partial = try await rawClient(to: b.listenAddress)
        // On a loaded machine the timeout may close it before the bytes go out: the same end.
        try? await partial.writeAndFlush(ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01])).get()
        try await eventually { !silent.isActive && !partial.isActive }
        #expect(bRecorder.failures == [.timedOut, .timedOut])
        #expect(bRecorder.established.isEmpty)
    }

    @Test func a_tls_dialler_gives_up_on_a_silent_acceptor_and_closes_the_connection() async throws {
        let pki = try PKI()
        let closed = Mutex(0)
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.closeFuture.whenComplete { _ in closed.withLock { $0 += 1 } }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let tls = try pki.mutual("tls-sd@127.0.0.1")
        let (a, _) = try await startEndpoint("tls-sd@127.0.0.1") {
            $0.tls = tls
            $0.handshakeTimeout = .milliseconds(200)
        }
        defer {
            Task {
                await a.shutdown()
                try await silent.close()
            }
        }
        let port = try #require(silent.localAddress?.port)
        await #expect(throws: TransportError.handshake(.timedOut)) {
            _ = try await a.connect(to: ListenAddress(host: "127.0.0.1", port: port), channel: "default")
        }
        try await eventually { closed.withLock { $0 } == 1 }
    }

    @Test func a_plain_node_tells_a_tls_record_from_a_frame_it_would_accept() {
        func bytes(_ values: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: values) }
        let limit = 64 << 20
        // A TLS 1.3 ClientHello and a TLS alert, as their first bytes arrive.
        #expect(
            TLSRecordDetector.startsWithTLSRecord(bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), maxFrameSize: limit))
        #expect(TLSRecordDetector.startsWithTLSRecord(bytes([0x15, 0x03, 0x03, 0x00, 0x02]), maxFrameSize: limit))
        #expect(TLSRecordDetector.startsWithTLSRecord(bytes([0x15, 0x03, 0x03]), maxFrameSize: limit))
        // A frame's length prefix, too few bytes to tell, and a limit above the record's size.
        #expect(!TLSRecordDetector.startsWithTLSRecord(bytes([0x00, 0x00, 0x01, 0x00, 0x83]), maxFrameSize: limit))
        #expect(!TLSRecordDetector.startsWithTLSRecord(bytes([0x16, 0x03]), maxFrameSize: limit))
        #expect(!TLSRecordDetector.startsWithTLSRecord(bytes([0x16, 0x03, 0x01, 0x02]), maxFrameSize: 1 << 30))
    }

    @Test func server_authenticated_tls_admits_a_dialler_without_a_certificate() async throws {
        let pki = try PKI()
        let trust = try TLSTrustRoots(file: pki.files.write(pki.authority))
        let serverOnly = try TransportTLS(
            server: TLSServerSettings(
                identity: try pki.mutual("tls-sb@127.0.0.1").server.identity, trustRoots: trust,
                clientCertificates: .optional),
            client: TLSClientSettings(trustRoots: trust))
        let (a, _) = try await startEndpoint("tls-sa@127.0.0.1") { $0.tls = serverOnly }
        let (b, bRecorder) = try await startEndpoint("tls-sb@127.0.0.1") { $0.tls = serverOnly }
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let outbound = try #require(try await a.connect(to: b.listenAddress).connection(on: "default", key: 0))
        let (dialler, acceptor) = try await infos(a, outbound, b, bRecorder)
        let d = try #require(dialler)
        let c = try #require(acceptor)
        #expect(d.binding.count == 32 && d.binding == c.binding)
        #expect(d.certificate(names: b.node))
        // No client certificate, none required: the acceptor has no name to check.
        #expect(c.peerNames == nil && c.certificate(names: a.node))
    }

    @Test func every_per_loop_listener_runs_tls() async throws {
        let pki = try PKI()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let (b, _) = try await start("tls-lb@127.0.0.1", pki, group: group)
        let (a, _) = try await start("tls-la@127.0.0.1", pki)
        let (plain, _) = try await startEndpoint("tls-lp@127.0.0.1")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
                await plain.shutdown()
                try await group.shutdownGracefully()
            }
        }
        let ports = b.core.lanePorts
        #expect(ports.count == 2)
        for port in ports {
            let address = ListenAddress(host: "127.0.0.1", port: port)
            _ = try await a.connect(to: address, channel: "default", expecting: b.node)
            await #expect(throws: TransportError.self) { try await plain.connect(to: address, channel: "default") }
        }
    }
}
