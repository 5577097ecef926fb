import PartisanCore
import PartisanDistribution
import Testing

/// The full mesh's rules for a node's own entry: a node removed from the cluster stays
/// removed, but one whose name another incarnation took (while this one was taken for dead)
/// and then gave up writes its entry back.
@Suite struct FullMeshMembershipTests {
    static func spec(_ name: Node, port: Int) -> NodeSpec {
        NodeSpec(node: name, listenAddresses: [ListenAddress(host: "127.0.0.1", port: port)])
    }

    /// A few gossip rounds from `from` to `to`, each answered back.
    static func gossip(_ from: inout FullMeshMembership, _ to: inout FullMeshMembership) {
        for _ in 0..<3 {
            deliver(from.periodic(), from: from.localSpec.node, to: &to, answering: &from)
        }
    }

    /// Hands `update`'s messages for `to` to it, and its answers for `sender` back.
    static func deliver(
        _ update: PeerServiceUpdate, from sender: Node, to: inout FullMeshMembership,
        answering: inout FullMeshMembership
    ) {
        for (target, message) in update.messages where target == to.localSpec.node {
            let answer = to.handle(message: message, from: sender)
            for (back, reply) in answer.messages where back == sender {
                _ = answering.handle(message: reply, from: to.localSpec.node)
            }
        }
    }

    static func ports(of node: Node, in membership: FullMeshMembership) -> [[ListenAddress]] {
        membership.members().filter { $0.node == node }.map(\.listenAddresses)
    }

    @Test func a_node_whose_name_a_twin_took_then_gave_up_writes_its_entry_back() {
        var a = FullMeshMembership(localSpec: Self.spec("a@h", port: 1), creation: 1)
        var b = FullMeshMembership(localSpec: Self.spec("b@h", port: 2), creation: 10)
        Self.deliver(b.join(a.localSpec), from: "b@h", to: &a, answering: &b)
        Self.gossip(&b, &a)
        #expect(a.members().map(\.node) == ["a@h", "b@h"])

        // b hangs; a twin of b takes the name, then leaves.
        var twin = FullMeshMembership(localSpec: Self.spec("b@h", port: 3), creation: 20)
        Self.deliver(twin.join(a.localSpec), from: "b@h", to: &a, answering: &twin)
        Self.gossip(&twin, &a)
        #expect(Self.ports(of: "b@h", in: a) == [[ListenAddress(host: "127.0.0.1", port: 3)]])
        var ignored = twin
        Self.deliver(twin.leave("b@h"), from: "b@h", to: &a, answering: &ignored)
        #expect(a.members().map(\.node) == ["a@h"])

        // b comes back: it was not the one that left.
        Self.gossip(&a, &b)
        Self.gossip(&b, &a)
        #expect(Self.ports(of: "b@h", in: a) == [[ListenAddress(host: "127.0.0.1", port: 2)]])
        #expect(b.members().map(\.node) == ["a@h", "b@h"])
        #expect(a.state == b.state)
    }

    @Test func a_node_removed_from_the_cluster_stays_removed() {
        var a = FullMeshMembership(localSpec: Self.spec("a@h", port: 1), creation: 1)
        // b restarted once: the cluster has seen writes of an older incarnation of it.
        var older = FullMeshMembership(localSpec: Self.spec("b@h", port: 9), creation: 5)
        Self.deliver(older.join(a.localSpec), from: "b@h", to: &a, answering: &older)
        var b = FullMeshMembership(localSpec: Self.spec("b@h", port: 2), creation: 10)
        Self.deliver(b.join(a.localSpec), from: "b@h", to: &a, answering: &b)
        Self.gossip(&b, &a)
        #expect(Self.ports(of: "b@h", in: a) == [[ListenAddress(host: "127.0.0.1", port: 2)]])

        _ = a.leave("b@h")
        Self.gossip(&a, &b)
        Self.gossip(&b, &a)
        #expect(a.members().map(\.node) == ["a@h"])
        #expect(b.state.entry(of: "b@h") == nil)
    }
}
