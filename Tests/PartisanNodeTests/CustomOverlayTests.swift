import Partisan
import PartisanTestSupport
import Testing

/// A node runs an overlay its user wrote: `RingOverlay`, over TCP on 127.0.0.1.
@Suite struct CustomOverlayTests {
    @Test func five_nodes_of_a_ring_overlay_know_every_member_and_connect_only_to_their_neighbours() async throws {
        let timings = MembershipConfiguration(
            gossipInterval: .milliseconds(200), reconnectInitialBackoff: .milliseconds(50))
        let nodes = try await startNodes(
            5, named: "ring", cookie: "ring", overlay: { _ in .ring }, membership: timings)
        defer { Task { for node in nodes { await node.shutdown() } } }
        for node in nodes.dropFirst() { try await node.join(nodes[0].listenAddress!) }

        let names = nodes.map(\.name).sorted()
        /// The ring's neighbours of `node`: the names before and after it, in name order.
        func neighbours(of node: Node) -> Set<Node> {
            let i = names.firstIndex(of: node)!
            return [names[(i + names.count - 1) % names.count], names[(i + 1) % names.count]]
        }
        try await eventually("every node lists every member and is connected to its neighbours only") {
            nodes.allSatisfy { node in
                node.members() == names && Set(node.nodes()) == neighbours(of: node.name)
            }
        }
        #expect(nodes.allSatisfy { $0.membership?.overlayName == "ring" })
        // A message between neighbours travels over the ring's connections.
        let (first, second) = (nodes.first { $0.name == names[0] }!, nodes.first { $0.name == names[1] }!)
        let text = try await second.withProcess { me in
            try await first.withProcess { other in other.send("around the ring", to: me.pid) }
            return try await me.receive(String.self, timeout: .seconds(10))
        }
        #expect(text == "around the ring")
    }
}
