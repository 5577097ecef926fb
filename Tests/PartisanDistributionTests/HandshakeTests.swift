import NIOCore
import PartisanCore
import PartisanTestSupport
import Testing

@testable import PartisanDistribution

@Suite struct HandshakeTests {
    // MARK: Messages and digests

    @Test func handshake_messages_round_trip_through_their_terms() throws {
        let spec = NodeSpec(
            node: "a@127.0.0.1", listenAddresses: [ListenAddress(host: "127.0.0.1", port: 4000)],
            channels: [.default, ChannelSpec(name: "gossip", parallelism: 3, monotonic: true)])
        let hello = HandshakeMessage.Hello(
            version: HandshakeMessage.version, node: "a@127.0.0.1", creation: 7, spec: spec,
            nonce: HandshakeMessage.makeNonce(), channel: "gossip", index: 2)
        for message: HandshakeMessage in [
            .hello(hello), .proof(mac: Array(repeating: 7, count: HandshakeProof.length)), .established,
            .refused(reason: "bad_cookie"),
        ] {
            var decoded = try HandshakeMessage(term: ETF.decode(ETF.encode(message.term)))
            if case .hello(var h) = decoded {
                h.spec.channels.sort { $0.name < $1.name }
                decoded = .hello(h)
            }
            var expected = message
            if case .hello(var h) = expected {
                h.spec.channels.sort { $0.name < $1.name }
                expected = .hello(h)
            }
            #expect(decoded == expected)
        }
    }

    @Test func a_hello_carries_its_connection_set_and_one_without_reads_as_unnumbered() throws {
        let spec = NodeSpec(node: "a@127.0.0.1", listenAddresses: [ListenAddress(host: "127.0.0.1", port: 4000)])
        let hello = HandshakeMessage.Hello(
            version: HandshakeMessage.version, node: "a@127.0.0.1", creation: 7, spec: spec,
            nonce: HandshakeMessage.makeNonce(), channel: "default", index: 0,
            set: ConnectionSet(number: 12, answers: 5))
        guard case .hello(let decoded) = try HandshakeMessage(term: HandshakeMessage.hello(hello).term) else {
            throw HandshakeError.malformedMessage("not a hello")
        }
        #expect(decoded.set == ConnectionSet(number: 12, answers: 5))
        guard case .tuple(let fields) = HandshakeMessage.hello(hello).term else {
            throw HandshakeError.malformedMessage("not a tuple")
        }
        guard case .hello(let legacy) = try HandshakeMessage(term: .tuple(Array(fields.prefix(7)))) else {
            throw HandshakeError.malformedMessage("not a hello")
        }
        #expect(legacy.set == .unnumbered)
        #expect(throws: HandshakeError.self) {
            try HandshakeMessage(term: .tuple(Array(fields.prefix(7)) + [.atom("nonsense")]))
        }
    }

    @Test func a_hello_carries_its_lane_and_one_without_reads_as_none() throws {
        let spec = NodeSpec(node: "a@127.0.0.1", listenAddresses: [ListenAddress(host: "127.0.0.1", port: 4000)])
        let hello = HandshakeMessage.Hello(
            version: HandshakeMessage.version, node: "a@127.0.0.1", creation: 7, spec: spec,
            nonce: HandshakeMessage.makeNonce(), channel: "default", index: 0,
            set: ConnectionSet(number: 3, answers: 0),
            lane: ConnectionLane(loop: 1, ports: [4001, 4002]))
        guard case .hello(let decoded) = try HandshakeMessage(term: HandshakeMessage.hello(hello).term),
            case .tuple(let fields) = HandshakeMessage.hello(hello).term,
            case .hello(let legacy) = try HandshakeMessage(term: .tuple(Array(fields.prefix(8))))
        else { throw HandshakeError.malformedMessage("not a hello") }
        #expect(decoded.lane == ConnectionLane(loop: 1, ports: [4001, 4002]) && decoded.lane?.port == 4002)
        #expect(decoded.set == ConnectionSet(number: 3, answers: 0))
        #expect(legacy.lane == nil && legacy.set == ConnectionSet(number: 3, answers: 0))
        for bad: Term in [
            .atom("nonsense"), .tuple([Term(integer: -1), .list([])]),
            .tuple([Term(integer: 0), .list([Term(integer: 70_000)])]),
            .tuple([Term(integer: 0), .list([.atom("port")])]),
        ] {
            #expect(throws: HandshakeError.self) { try HandshakeMessage(term: .tuple(Array(fields.prefix(8)) + [bad])) }
        }
    }

    @Test func a_node_spec_round_trips_hidden_or_not_and_a_missing_flag_reads_as_visible() throws {
        for hidden in [false, true] {
            let spec = NodeSpec(
                node: "spec@127.0.0.1", listenAddresses: [ListenAddress(host: "127.0.0.1", port: 9)], hidden: hidden)
            #expect(try NodeSpec(term: spec.term) == spec)
            guard case .map(let map) = spec.term else { throw HandshakeError.malformedMessage("not a map") }
            #expect((map[.atom("hidden")] != nil) == hidden)
        }
    }

    @Test func a_hello_of_another_version_is_a_version_mismatch() throws {
        var term = HandshakeMessage.hello(
            .init(
                version: HandshakeMessage.version, node: "a@h", creation: 1,
                spec: NodeSpec(node: "a@h", listenAddresses: []), nonce: HandshakeMessage.makeNonce(),
                channel: "default", index: 0)
        ).term.tupleValue!
        term[1] = 1
        #expect(throws: HandshakeError.versionMismatch(ours: HandshakeMessage.version, theirs: 1)) {
            try HandshakeMessage(term: .tuple(term))
        }
    }

    @Test func a_proof_verifies_only_for_its_role_cookie_transcript_and_binding() {
        let hello = HandshakeMessage.makeNonce()
        let other = HandshakeMessage.makeNonce()
        let transcript = HandshakeProof(diallerHello: hello, acceptorHello: other)
        let mac = transcript.mac(.dialler, cookie: "c", binding: [])
        #expect(mac.count == HandshakeProof.length)
        #expect(transcript.verify(mac, from: .dialler, cookie: "c", binding: []))
        #expect(!transcript.verify(mac, from: .acceptor, cookie: "c", binding: []))
        #expect(!transcript.verify(mac, from: .dialler, cookie: "d", binding: []))
        #expect(!transcript.verify(mac, from: .dialler, cookie: "c", binding: [1]))
        // The hellos' order is part of the transcript: swapping them (a reflection) changes it.
        #expect(
            !HandshakeProof(diallerHello: other, acceptorHello: hello).verify(
                mac, from: .dialler, cookie: "c", binding: []))
        // So is where one hello ends and the next begins.
        #expect(
            HandshakeProof(diallerHello: [1, 2], acceptorHello: [3]).transcript
                != HandshakeProof(diallerHello: [1], acceptorHello: [2, 3]).transcript)
    }

    @Test func a_refusal_with_a_reason_this_protocol_does_not_define_reads_as_unknown() throws {
        #expect(
            try HandshakeMessage(term: .tuple([.atom("refused"), .atom("bad_cookie")]))
                == .refused(reason: "bad_cookie"))
        #expect(
            try HandshakeMessage(term: .tuple([.atom("refused"), .atom("\u{1B}[31mFAKE LOG LINE")]))
                == .refused(reason: "unknown"))
    }

    // MARK: Over TCP

    @Test func a_wrong_cookie_is_refused_and_the_listener_still_accepts_a_correct_peer() async throws {
        let (b, bRecorder) = try await startEndpoint("hs-b@127.0.0.1", cookie: "right")
        let (intruder, intruderRecorder) = try await startEndpoint("hs-x@127.0.0.1", cookie: "wrong")
        let (a, _) = try await startEndpoint("hs-a@127.0.0.1", cookie: "right")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
                await intruder.shutdown()
            }
        }

        // The dialler proves first: the acceptor refuses it, and gives no proof of its own.
        await #expect(throws: TransportError.handshake(.refusedByPeer("bad_cookie"))) {
            _ = try await intruder.connect(to: b.listenAddress, channel: "default")
        }
        try await eventually("acceptor reports bad cookie") { bRecorder.failures.contains(.badCookie) }
        #expect(intruderRecorder.established.isEmpty && bRecorder.established.isEmpty)

        let connection = try await a.connect(to: b.listenAddress, channel: "default", expecting: b.node)
        try connection.send("after")
        try await eventually { bRecorder.terms(on: "default") == ["after"] }
    }

    @Test func garbage_bytes_close_only_that_connection_and_the_listener_keeps_serving() async throws {
        let (b, bRecorder) = try await startEndpoint("hs-gb@127.0.0.1")
        let (a, _) = try await startEndpoint("hs-ga@127.0.0.1")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let before = try await a.connect(to: b.listenAddress, channel: "default")

        var generator = SeededGenerator(seed: 7)
        let random = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var notETF = framed([0, 1, 2, 3, 4, 5, 6, 7])
        notETF.writeBytes(random)
        let inputs: [ByteBuffer] = [
            ByteBuffer(bytes: random),  // most likely a huge declared length
            ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF] + random),  // a length above the maximum
            notETF,  // a frame that is not ETF
            framed(try ETF.encode(.tuple([.atom("hello"), 1]))),  // ETF, but not a hello
        ]
        for (n, input) in inputs.enumerated() {
            let raw = try await rawClient(to: b.listenAddress)
            raw.writeAndFlush(input, promise: nil)
            try await eventually("garbage connection \(n) closed by the listener") { !raw.isActive }
            try await eventually { bRecorder.failures.count == n + 1 }
        }

        try before.send("still here")
        let after = try await a.connect(to: b.listenAddress, channel: "membership")
        try after.send("new")
        try await eventually {
            bRecorder.terms(on: "default") == ["still here"] && bRecorder.terms(on: "membership") == ["new"]
        }
        #expect(before.isOpen)
    }

    @Test func a_silent_peer_is_closed_when_the_handshake_times_out() async throws {
        let (b, bRecorder) = try await startEndpoint("hs-tb@127.0.0.1") { $0.handshakeTimeout = .milliseconds(200) }
        defer { Task { await b.shutdown() } }
        let raw = try await rawClient(to: b.listenAddress)
        try await eventually { !raw.isActive }
        #expect(bRecorder.failures == [.timedOut])
    }

    @Test func a_peer_claiming_this_nodes_name_is_refused() async throws {
        let (b, bRecorder) = try await startEndpoint("hs-same@127.0.0.1")
        let (impostor, _) = try await startEndpoint("hs-same@127.0.0.1")
        defer {
            Task {
                await b.shutdown()
                await impostor.shutdown()
            }
        }
        await #expect(throws: TransportError.handshake(.refusedByPeer("own_name"))) {
            _ = try await impostor.connect(to: b.listenAddress, channel: "default")
        }
        try await eventually { bRecorder.failures == [.ownName("hs-same@127.0.0.1")] }
    }

    @Test func a_duplicate_name_refused_by_the_admission_hook_closes_the_connection() async throws {
        let admitOnce = Recorder { info, established in
            established.contains {
                $0.info.peer == info.peer && $0.info.channel == info.channel && $0.info.index == info.index
            }
                ? .refuse("duplicate name") : .accept
        }
        let (b, bRecorder) = try await startEndpoint("hs-db@127.0.0.1", recorder: admitOnce)
        let (a, _) = try await startEndpoint("hs-da@127.0.0.1")
        let (twin, _) = try await startEndpoint("hs-da@127.0.0.1")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
                await twin.shutdown()
            }
        }

        _ = try await a.connect(to: b.listenAddress, channel: "default")
        await #expect(throws: TransportError.handshake(.refusedByPeer("not_admitted"))) {
            _ = try await twin.connect(to: b.listenAddress, channel: "default")
        }
        try await eventually { bRecorder.failures == [.notAdmitted("hs-da@127.0.0.1", reason: "duplicate name")] }
        #expect(bRecorder.established.count == 1)
    }

    @Test func dialling_an_address_where_another_node_answers_fails() async throws {
        let (b, _) = try await startEndpoint("hs-ub@127.0.0.1")
        let (a, _) = try await startEndpoint("hs-ua@127.0.0.1")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        await #expect(throws: TransportError.handshake(.unexpectedPeer(expected: "other@127.0.0.1"))) {
            _ = try await a.connect(to: b.listenAddress, channel: "default", expecting: "other@127.0.0.1")
        }
    }

    @Test func a_hello_for_an_unknown_channel_is_refused() async throws {
        let (b, bRecorder) = try await startEndpoint("hs-cb@127.0.0.1")
        let (a, _) = try await startEndpoint(
            "hs-ca@127.0.0.1", channels: [.default, .membership, ChannelSpec(name: "rpc")])
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        await #expect(throws: TransportError.handshake(.refusedByPeer("unknown_channel"))) {
            _ = try await a.connect(to: b.listenAddress, channel: "rpc")
        }
        try await eventually { bRecorder.failures == [.unknownChannel("rpc", index: 0)] }
    }
}
