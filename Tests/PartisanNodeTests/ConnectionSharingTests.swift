import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// ``ConnectionSharing/shared``: the node that was dialled sends on the dialler's
/// connections (as Erlang), with either setting on the other side.
@Suite struct ConnectionSharingTests {
    private static let serial = Atomic<Int>(0)

    private func start(_ role: String, sharing: ConnectionSharing) async throws -> PartisanNode {
        let serial = Self.serial.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await startNode(Node(validating: "share\(serial)\(role)@127.0.0.1"), cookie: "sharing") {
            $0.transport.connectionSharing = sharing
        }
    }

    @Test(arguments: [
        (ConnectionSharing.shared, ConnectionSharing.shared), (.shared, .separate), (.separate, .shared),
    ])
    func nodes_talk_both_ways_whatever_each_side_shares(dialler: ConnectionSharing, acceptor: ConnectionSharing)
        async throws
    {
        let a = try await start("a", sharing: dialler)
        let b = try await start("b", sharing: acceptor)
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        _ = try await a.connect(to: b.listenAddress!)
        try await eventually { a.isConnected(b.name) && b.isConnected(a.name) }
        #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
        #expect(try await echoRoundTrip(from: b, to: a) == "echo: hello")
        // The dialled node sends on the dialler's connections exactly when it shares.
        let directions = Set(b.kernel!.sendingConnections(to: a.name).map(\.direction))
        #expect(directions == [acceptor == .shared ? .inbound : .outbound])
        #expect(Set(a.kernel!.sendingConnections(to: b.name).map(\.direction)) == [.outbound])
    }

    @Test func either_side_ending_a_shared_session_is_seen_by_the_other() async throws {
        for closer in ["dialler", "acceptor"] {
            let a = try await start("a", sharing: .shared)
            let b = try await start("b", sharing: .shared)
            _ = try await a.connect(to: b.listenAddress!)
            try await eventually { a.isConnected(b.name) && b.isConnected(a.name) }
            let (leaving, staying) = closer == "dialler" ? (a, b) : (b, a)
            let watching = EventCounter()
            let down = Task {
                try await staying.withProcess { me in
                    me.monitorNodes()
                    watching.add()
                    return try await me.receive(NodeDown.self, timeout: .seconds(10))
                }
            }
            try await eventually { watching.value == 1 }
            #expect(leaving.disconnect(staying.name))
            let nodeDown = try await down.value
            #expect(nodeDown?.node == leaving.name, "closed by the \(closer)")
            try await eventually { !staying.isConnected(leaving.name) }
            await a.shutdown()
            await b.shutdown()
        }
    }

    @Test func two_shared_nodes_dialling_each_other_at_once_stay_connected() async throws {
        for _ in 0..<5 {
            let a = try await start("a", sharing: .shared)
            let b = try await start("b", sharing: .shared)
            async let ab = a.connect(to: b.listenAddress!)
            async let ba = b.connect(to: a.listenAddress!)
            _ = try await (ab, ba)
            try await eventually { a.isConnected(b.name) && b.isConnected(a.name) }
            for _ in 0..<3 {
                #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
                #expect(try await echoRoundTrip(from: b, to: a) == "echo: hello")
            }
            #expect(a.isConnected(b.name) && b.isConnected(a.name))
            await a.shutdown()
            await b.shutdown()
        }
    }

    /// A session ended while the dialled node is still answering it (dialling back, or just
    /// adopting) ends on both sides and is not revived by the late answer; the next connect,
    /// at once, opens a new session even while the old one's connections are still closing
    /// (its connections carry a newer set number, see ``ConnectionSet``).
    @Test(arguments: [ConnectionSharing.separate, .shared])
    func a_session_ended_at_once_stays_ended_and_the_next_connect_succeeds(sharing: ConnectionSharing)
        async throws
    {
        let a = try await start("a", sharing: sharing)
        let b = try await start("b", sharing: sharing)
        for _ in 0..<10 {
            _ = try await a.connect(to: b.listenAddress!)
            a.disconnect(b.name)
        }
        try await eventually { !a.isConnected(b.name) && !b.isConnected(a.name) }
        for _ in 0..<10 {
            _ = try await a.connect(to: b.listenAddress!)
            a.disconnect(b.name)
            try await eventually { !a.isConnected(b.name) && !b.isConnected(a.name) }
        }
        _ = try await a.connect(to: b.listenAddress!)
        try await eventually { a.isConnected(b.name) && b.isConnected(a.name) }
        #expect(try await echoRoundTrip(from: b, to: a) == "echo: hello")
        #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
        await a.shutdown()
        await b.shutdown()
    }

    /// Connects racing to one address share one dial: each returns the peer, and the session
    /// they open stays up (a second set from the same node would replace the first's session).
    @Test(arguments: [ConnectionSharing.separate, .shared])
    func concurrent_connects_to_one_address_share_one_session(sharing: ConnectionSharing) async throws {
        let a = try await start("a", sharing: sharing)
        let b = try await start("b", sharing: sharing)
        let names = try await withThrowingTaskGroup(of: Node.self) { group in
            for _ in 0..<8 { group.addTask { try await a.connect(to: b.listenAddress!) } }
            return try await group.reduce(into: [Node]()) { $0.append($1) }
        }
        #expect(names == Array(repeating: b.name, count: 8))
        try await eventually { a.isConnected(b.name) && b.isConnected(a.name) }
        #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
        #expect(try await echoRoundTrip(from: b, to: a) == "echo: hello")
        #expect(a.isConnected(b.name) && b.isConnected(a.name))
        await a.shutdown()
        await b.shutdown()
    }
}
