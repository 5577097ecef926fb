import NIOCore
import PartisanCore
import PartisanTestSupport
import Synchronization
import Testing

@testable import PartisanDistribution

/// The attacks of `Guides/Security.md` against real endpoints over TCP, played by a
/// ``RawPeer`` that speaks the handshake's frames but does not hold the cookie (unless a test
/// says so, to record a legitimate session).
@Suite struct HandshakeAttackTests {
    /// A hello as `node` would send it, dialling `default`#0.
    private func hello(
        _ node: Node, nonce: [UInt8] = HandshakeMessage.makeNonce(), channel: String = "default", index: Int = 0
    ) -> HandshakeMessage {
        .hello(
            .init(
                version: HandshakeMessage.version, node: node, creation: 1,
                spec: NodeSpec(node: node, listenAddresses: [ListenAddress(host: "127.0.0.1", port: 1)]),
                nonce: nonce, channel: channel, index: index))
    }

    private func isProof(_ frame: [UInt8]) -> Bool {
        if case .proof = try? HandshakeMessage(term: ETF.decode(frame)) { true } else { false }
    }

    @Test func an_acceptor_gives_no_proof_to_a_dialler_that_has_not_proved_itself_so_a_relay_gets_nothing()
        async throws
    {
        let (a, aRecorder) = try await startEndpoint("relay-a@127.0.0.1") { $0.handshakeTimeout = .seconds(1) }
        let (b, bRecorder) = try await startEndpoint("relay-b@127.0.0.1") { $0.handshakeTimeout = .seconds(1) }
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        // The relay: to A as "B", to B as "A", each answer handed to the other side.
        let toA = try await RawPeer.connect(to: a.listenAddress)
        let toB = try await RawPeer.connect(to: b.listenAddress)
        try toA.send(hello(b.node))
        let helloA = try await toA.frame(0, "A's hello")
        try toB.send(hello(a.node))
        let helloB = try await toB.frame(0, "B's hello")
        // Hand each hello to the other side as if it were a proof-bearing answer, then wait for
        // both handshakes to end.
        toA.send(frame: helloB)
        toB.send(frame: helloA)
        try await toA.waitClosed("A closes the relay's connection")
        try await toB.waitClosed("B closes the relay's connection")
        #expect(!toA.frames.contains(where: isProof) && !toB.frames.contains(where: isProof))
        #expect(aRecorder.established.isEmpty && bRecorder.established.isEmpty)
    }

    @Test func an_acceptor_answers_a_hello_with_its_own_hello_only_and_times_out_without_a_proof() async throws {
        // Long enough for the hellos to cross on a loaded machine; the test waits for the close.
        let (a, aRecorder) = try await startEndpoint("oracle-a@127.0.0.1") { $0.handshakeTimeout = .seconds(3) }
        defer { Task { await a.shutdown() } }
        let attacker = try await RawPeer.connect(to: a.listenAddress)
        try attacker.send(hello("oracle-x@127.0.0.1", nonce: Array(repeating: 0, count: HandshakeMessage.nonceLength)))
        try await attacker.waitClosed()
        // Its hello, then the refusal: nothing computed from the cookie. (On a loaded machine the
        // timeout may come before the attacker's hello is read: then the refusal alone.)
        let messages = try attacker.frames.map { try HandshakeMessage(term: ETF.decode($0)) }
        #expect(messages.count == 2 || messages.count == 1, "\(messages)")
        if messages.count == 2, case .hello = messages[0] {
        } else if messages.count == 2 {
            Issue.record("expected a hello first, got \(messages)")
        }
        #expect(messages.last == .refused(reason: "timeout"))
        #expect(aRecorder.failures == [.timedOut])
    }

    @Test func a_proof_reflected_from_another_connection_or_a_reflected_hello_is_refused() async throws {
        let (a, aRecorder) = try await startEndpoint("reflect-a@127.0.0.1")
        defer { Task { await a.shutdown() } }
        // Make A dial the attacker, which answers like a node: A then proves itself as dialler.
        let accepted = Mutex<RawPeer?>(nil)
        let (server, address) = try await RawPeer.listen { peer in accepted.withLock { $0 = peer } }
        defer { server.close(promise: nil) }
        let dialling = Task { try await a.connect(to: address, channel: "default") }
        try await eventually("A dials the attacker") { accepted.withLock { $0 != nil } }
        let fromA = accepted.withLock { $0! }
        let helloFromA = try await fromA.frame(0, "A's hello as dialler")
        try fromA.send(hello("reflect-m@127.0.0.1"))
        let proofFromA = try await fromA.frame(1, "A's proof as dialler")
        #expect(isProof(proofFromA))

        // Reflect A's proof into a connection the attacker dials to A.
        let toA = try await RawPeer.connect(to: a.listenAddress)
        try toA.send(hello("reflect-m@127.0.0.1"))
        _ = try await toA.frame(0, "A's hello as acceptor")
        toA.send(frame: proofFromA)
        try await toA.waitClosed()
        #expect(try await toA.message(1) == .refused(reason: "bad_cookie"))

        // Reflect A's own hello back to it.
        let mirror = try await RawPeer.connect(to: a.listenAddress)
        mirror.send(frame: helloFromA)
        try await mirror.waitClosed()
        #expect(try await mirror.message(0) == .refused(reason: "own_name"))

        #expect(aRecorder.established.isEmpty)
        #expect(aRecorder.failures.contains(.badCookie) && aRecorder.failures.contains(.ownName(a.node)))
        fromA.channel.close(promise: nil)
        _ = await dialling.result
    }

    @Test func a_recorded_session_replayed_fails_because_the_acceptors_nonce_is_new() async throws {
        let (a, aRecorder) = try await startEndpoint("replay-a@127.0.0.1", cookie: "shared")
        defer { Task { await a.shutdown() } }
        // A legitimate session of "B", played by the test with the cookie, recorded.
        let legit = try await RawPeer.connect(to: a.listenAddress)
        let recordedHello = try legit.send(hello("replay-b@127.0.0.1"))
        let helloA = try await legit.frame(0)
        let recordedProof = HandshakeProof(diallerHello: recordedHello, acceptorHello: helloA)
            .mac(.dialler, cookie: "shared", binding: [])
        try legit.send(.proof(mac: recordedProof))
        guard case .proof = try await legit.message(1, "A's proof") else {
            Issue.record("A did not prove itself to the legitimate dialler")
            return
        }
        try legit.send(.established)
        try await eventually { aRecorder.established.count == 1 }

        // The same bytes again, on a new connection.
        let replay = try await RawPeer.connect(to: a.listenAddress)
        replay.send(frame: recordedHello)
        _ = try await replay.frame(0)
        try replay.send(.proof(mac: recordedProof))
        try await replay.waitClosed()
        #expect(try await replay.message(1) == .refused(reason: "bad_cookie"))
        #expect(aRecorder.established.count == 1)
    }

    @Test func before_the_handshake_a_frame_above_the_handshake_limit_is_refused_as_soon_as_announced()
        async throws
    {
        let (a, aRecorder) = try await startEndpoint("limit-a@127.0.0.1")
        defer { Task { await a.shutdown() } }
        let attacker = try await RawPeer.connect(to: a.listenAddress)
        // Announce a frame one byte above the limit, and send none of it.
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt32(a.configuration.handshakeFrameSize + 1))
        try await attacker.channel.writeAndFlush(prefix)
        try await attacker.waitClosed()
        #expect(
            aRecorder.failures == [
                .malformedMessage(
                    "frame of \(a.configuration.handshakeFrameSize + 1) bytes above the limit of \(a.configuration.handshakeFrameSize)"
                )
            ])
    }

    @Test func after_the_handshake_frames_up_to_the_full_maximum_are_accepted() async throws {
        let (b, bRecorder) = try await startEndpoint("limit-after-b@127.0.0.1")
        let (a, _) = try await startEndpoint("limit-after-a@127.0.0.1")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let connection = try await a.connect(to: b.listenAddress, channel: "default")
        let large = Term.binary(Array(repeating: 7, count: 4 * b.configuration.handshakeFrameSize))
        try connection.send(large)
        try await eventually { bRecorder.terms(on: "default") == [large] }
    }

    @Test func handshakes_in_progress_from_one_address_are_capped_and_the_node_keeps_serving() async throws {
        // Only displacement may close the silent connections here, not the handshake timeout.
        let (b, bRecorder) = try await startEndpoint("busy-b@127.0.0.1") {
            $0.maxHandshakesPerAddress = 2
            $0.handshakeTimeout = .seconds(120)
        }
        let (a, _) = try await startEndpoint("busy-a@127.0.0.1")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        // Three silent connections against a cap of two: whichever the node takes last (they
        // are accepted on different event loops) is refused at once; the other two wait.
        var peers: [RawPeer] = []
        for _ in 0..<3 { peers.append(try await RawPeer.connect(to: b.listenAddress)) }
        try await eventually("one connection refused") { peers.contains { $0.isClosed } }
        let refused = peers.filter(\.isClosed)
        let silent = peers.filter { !$0.isClosed }
        #expect(refused.count == 1 && silent.count == 2)
        #expect(try await refused[0].message(0) == .refused(reason: "busy"))
        #expect(bRecorder.failures == [.tooManyHandshakes])
        for peer in silent { try await peer.channel.close() }
        // Their places are given back: a real peer gets in.
        try await eventually("a real peer connects once the silent ones left") {
            (try? await a.connect(to: b.listenAddress, channel: "default")) != nil
        }
    }

    @Test func nothing_a_peer_sends_before_it_proved_itself_reaches_the_log() async throws {
        let log = LogRecorder()
        let (a, aRecorder) = try await startEndpoint("quiet-a@127.0.0.1") { $0.logger = log.logger() }
        defer { Task { await a.shutdown() } }
        let marker = "ATTACKER-MARKER"
        let inputs: [[UInt8]] = [
            try ETF.encode(.tuple([.atom("hello"), .atom(marker)])),
            try ETF.encode(.tuple([.atom("refused"), .atom(marker)])),
            try ETF.encode(.atom(marker)),
            try ETF.encode(.binary(Array(marker.utf8))),
            try ETF.encode(.bigInteger(BigInteger(isNegative: false, magnitude: Array(repeating: 0x41, count: 2_000)))),
            try ETF.encode(hello(Node(validating: "\(marker)@127.0.0.1"), channel: marker).term),
        ]
        for (n, input) in inputs.enumerated() {
            let attacker = try await RawPeer.connect(to: a.listenAddress)
            attacker.send(frame: input)
            if n == inputs.count - 1 {
                // A well-formed hello for an unknown channel: the channel is checked only after
                // a proof, which this attacker cannot give.
                _ = try await attacker.frame(0)
                attacker.send(frame: try ETF.encode(.tuple([.atom("proof"), .binary(Array(repeating: 1, count: 32))])))
            }
            try await attacker.waitClosed()
        }
        try await eventually { aRecorder.failures.count == inputs.count }
        #expect(!log.lines.isEmpty)
        #expect(!log.lines.contains { $0.contains(marker) || $0.contains("AAAA") }, "\(log.lines)")
        #expect(!aRecorder.failures.contains { "\($0)".contains(marker) })
    }
}
