import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// Per-loop listeners (``TransportConfiguration/listenerPerLoop``): with Partisan's dial-back,
/// each channel connection's two directions run on one event loop at both nodes.
@Suite struct ConnectionLaneTests {
    private static let serial = Atomic<Int>(0)
    private static let channels = [ChannelSpec.default, ChannelSpec(name: "bulk", parallelism: 2), .membership]

    private func start(_ role: String, perLoop: Bool = true) async throws -> PartisanNode {
        let serial = Self.serial.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await startNode(Node(validating: "lane\(serial)\(role)@127.0.0.1"), cookie: "lanes") {
            $0.channels = Self.channels
            $0.transport.listenerPerLoop = perLoop
        }
    }

    /// For every channel connection of `node`'s session with `peer`: the loop of the one it
    /// sends on and of the one it reads the peer's traffic from.
    private func loops(of node: PartisanNode, with peer: Node) -> [String: [Int]] {
        var loops: [String: [Int]] = [:]
        for info in node.kernel!.connections(with: peer) {
            loops["\(info.channel.name)#\(info.index)", default: []].append(info.lane.loop)
        }
        return loops
    }

    @Test func both_directions_of_each_channel_connection_share_a_loop_at_both_nodes() async throws {
        for round in 0..<4 {
            let a = try await start("a")
            let b = try await start("b")
            defer {
                Task {
                    await a.shutdown()
                    await b.shutdown()
                }
            }
            // A process started from outside the loops goes to the group's next loop, as an
            // accepted connection does: this moves where the listener's turn starts.
            for _ in 0..<round { a.spawn { _ in } }
            _ = try await a.connect(to: b.listenAddress!)
            try await eventually { a.isFullyConnected(b.name) && b.isFullyConnected(a.name) }
            try await eventually { a.kernel!.connections(with: b.name).count == 8 }
            try await eventually { b.kernel!.connections(with: a.name).count == 8 }
            for (node, peer) in [(a, b.name), (b, a.name)] {
                let byKey = loops(of: node, with: peer)
                #expect(byKey.count == 4)
                for (key, loops) in byKey {
                    #expect(loops.count == 2 && Set(loops).count == 1, "\(node.name) \(key): loops \(loops)")
                }
            }
            // Each end announced its listeners: the dial-back aimed at the one of its loop.
            let dialBack = a.kernel!.connections(with: b.name).filter { $0.direction == .inbound }
            #expect(dialBack.allSatisfy { $0.peerLane?.ports.count == $0.lane.ports.count })
        }
    }

    @Test func a_peer_without_per_loop_listeners_is_dialled_back_on_its_listen_address() async throws {
        let a = try await start("a", perLoop: false)
        let b = try await start("b")
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        _ = try await a.connect(to: b.listenAddress!)
        try await eventually { a.isFullyConnected(b.name) && b.isFullyConnected(a.name) }
        #expect(b.kernel!.connections(with: a.name).allSatisfy { $0.peerLane?.ports == [] })
        #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
    }
}
