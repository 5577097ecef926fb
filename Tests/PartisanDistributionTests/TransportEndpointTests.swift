import NIOCore
import NIOPosix
import PartisanCore
import PartisanTestSupport
import Synchronization
import Testing

@testable import PartisanDistribution

@Suite struct TransportEndpointTests {
    @Test func port_zero_binds_an_ephemeral_port_and_reports_it_in_the_spec() async throws {
        let (a, _) = try await startEndpoint("tr-p@127.0.0.1")
        defer { Task { await a.shutdown() } }
        #expect(a.listenAddress.port != 0)
        #expect(a.spec.listenAddresses == [a.listenAddress])
        #expect(a.spec.channels == ChannelSpec.standard)
    }

    @Test func two_endpoints_handshake_and_exchange_terms_both_ways() async throws {
        let (a, aRecorder) = try await startEndpoint("tr-a@127.0.0.1")
        let (b, bRecorder) = try await startEndpoint("tr-b@127.0.0.1")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }

        let aToB = try await a.connect(to: b.listenAddress, expecting: b.node)
        let bToA = try await b.connect(to: a.listenAddress, expecting: a.node)
        #expect(aToB.peer == b.node && bToA.peer == a.node)
        #expect(Set(aToB.connections.keys) == ["default", "membership"])
        let outbound = try #require(aToB.connection(on: "default", key: 0))
        #expect(outbound.info.peerCreation == b.creation && outbound.info.peerSpec.listenAddresses == [b.listenAddress])
        #expect(outbound.info.direction == .outbound && outbound.info.index == 0)

        let pid = Pid(node: a.node, id: 1, serial: 0, creation: a.creation)
        try aToB.send(.tuple([.atom("ping"), .pid(pid)]), key: pid)
        try bToA.send(.tuple([.atom("pong"), 42]), key: 0)
        try aToB.send("gossip", on: "membership", key: 0)
        try await eventually {
            bRecorder.terms(on: "default") == [.tuple([.atom("ping"), .pid(pid)])]
                && bRecorder.terms(on: "membership") == ["gossip"]
                && aRecorder.terms(on: "default") == [.tuple([.atom("pong"), 42])]
        }
        #expect(bRecorder.received.allSatisfy { $0.from == a.node })
        // Inbound connections can answer too.
        let inbound = try #require(
            bRecorder.established.first { $0.info.peer == a.node && $0.info.direction == .inbound })
        try inbound.send("reply")
        try await eventually { aRecorder.terms(on: inbound.info.channel.name).contains("reply") }
    }

    @Test func order_per_partition_key_holds_with_parallelism_4_under_concurrent_senders() async throws {
        let channels = [ChannelSpec(name: "default", parallelism: 4), .membership]
        let (a, _) = try await startEndpoint("tr-oa@127.0.0.1", channels: channels)
        let (b, bRecorder) = try await startEndpoint("tr-ob@127.0.0.1", channels: channels)
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let peer = try await a.connect(to: b.listenAddress, expecting: b.node)
        #expect(peer.connections["default"]?.map(\.info.index) == [0, 1, 2, 3])

        let senders = (0..<8).map { Pid(node: a.node, id: UInt32($0), serial: 0, creation: a.creation) }
        let perSender = 500
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in senders {
                group.addTask {
                    for seq in 0..<perSender {
                        try peer.send(.tuple([.pid(sender), Term(integer: seq)]), key: sender)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await eventually { bRecorder.received.count == senders.count * perSender }

        var next: [Pid: Int] = [:]
        var indexes: [Pid: Set<Int>] = [:]
        for message in bRecorder.received {
            let fields = try #require(message.term.tupleValue)
            let sender = try #require(fields[0].pidValue)
            #expect(fields[1].intValue == next[sender, default: 0], "out of order for \(sender)")
            next[sender] = (fields[1].intValue ?? 0) + 1
            indexes[sender, default: []].insert(message.index)
        }
        for sender in senders {
            #expect(indexes[sender] == [PeerConnections.partition(of: sender, count: 4)])
        }
        #expect(
            Set(bRecorder.received.map(\.index)) == Set(senders.map { PeerConnections.partition(of: $0, count: 4) }))
    }

    @Test func a_term_above_the_maximum_frame_size_is_refused_to_the_sender_and_nothing_is_sent() async throws {
        let (a, _) = try await startEndpoint("tr-ma@127.0.0.1") { $0.maxFrameSize = 1024 }
        let (b, bRecorder) = try await startEndpoint("tr-mb@127.0.0.1")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let connection = try await a.connect(to: b.listenAddress, channel: "default")
        #expect(throws: TransportError.frameTooLarge(size: 2006, limit: 1024)) {
            try connection.send(.binary(Array(repeating: 1, count: 2000)))
        }
        #expect(connection.queuedMessages == 0)
        try connection.send("small")
        try await eventually { bRecorder.terms(on: "default") == ["small"] }
        #expect(connection.isOpen)
    }

    @Test func a_frame_above_the_receivers_maximum_closes_that_connection() async throws {
        let (a, aRecorder) = try await startEndpoint("tr-ra@127.0.0.1")
        let (b, bRecorder) = try await startEndpoint("tr-rb@127.0.0.1") { $0.maxFrameSize = 1024 }
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let connection = try await a.connect(to: b.listenAddress, channel: "default")
        try connection.send(.binary(Array(repeating: 1, count: 2000)))
        try await eventually { !connection.isOpen && aRecorder.closed.count == 1 }
        try await eventually { bRecorder.closed.first?.1 == .frameTooLarge(size: 2006, limit: 1024) }
        #expect(bRecorder.received.isEmpty)
    }

    /// On loops of their own: the suite's other tests keep the shared loops busy with their
    /// processes, which can hold back the heartbeat's write or read on an overloaded machine.
    @Test func a_large_message_on_the_default_channel_does_not_delay_a_small_one_on_membership() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let (a, _) = try await startEndpoint("tr-ha@127.0.0.1", group: group)
        let (b, bRecorder) = try await startEndpoint("tr-hb@127.0.0.1", group: group)
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
                try await group.shutdownGracefully()
            }
        }
        let peer = try await a.connect(to: b.listenAddress, expecting: b.node)
        // Both of b's ends are ready to read, so neither channel starts late.
        try await eventually { bRecorder.established.count == peer.connections.values.joined().count }

        // The big frame is encoded once and queued seven times (56 MiB, within the 64 MiB
        // queue), so the heartbeat is queued microseconds after them while the wire needs tens
        // of milliseconds to carry them; encoding each would give it time to carry them off
        // before the heartbeat is even sent.
        let bigCount = 7
        let big = try FrameEncoder(maxFrameSize: 64 << 20).encode(.binary(Array(repeating: 0xAB, count: 8 << 20)))
        let defaultConnection = try #require(peer.connection(on: "default", key: 0))
        for _ in 0..<bigCount { try defaultConnection.send(frame: OutgoingFrame(head: big), key: nil) }
        try peer.send("heartbeat", on: "membership", key: 0)

        try await eventually(timeout: .seconds(60)) { bRecorder.received.count == bigCount + 1 }
        let order = bRecorder.received.map(\.channel)
        let heartbeatPosition = try #require(order.firstIndex(of: "membership"))
        // The heartbeat overtook the big messages queued before it.
        #expect(heartbeatPosition < bigCount, "arrival order: \(order)")
    }

    @Test func shutdown_closes_every_connection_and_refuses_new_ones() async throws {
        let (a, aRecorder) = try await startEndpoint("tr-sa@127.0.0.1")
        let (b, _) = try await startEndpoint("tr-sb@127.0.0.1")
        let peer = try await a.connect(to: b.listenAddress)
        await b.shutdown()
        try await eventually { !peer.isOpen && aRecorder.closed.count == 2 }
        await #expect(throws: (any Error).self) { _ = try await a.connect(to: b.listenAddress, channel: "default") }
        await a.shutdown()
        await #expect(throws: TransportError.shutDown) {
            _ = try await a.connect(to: b.listenAddress, channel: "default")
        }
        #expect(throws: TransportError.connectionClosed) { try peer.send("late", key: 0) }
    }
}
