import Partisan
import Synchronization

private let topologySerial = Atomic<Int>(0)

/// Starts `count` HyParView nodes on 127.0.0.1 wired as a line `n0 – n1 – … – n(count-1)`,
/// closed into a ring when `ring` is set, and returns them once every node's active view is
/// exactly its neighbours in that shape. Nodes that are not neighbours have no connection,
/// so messages between them must travel through the overlay.
///
/// The shape is drawn with HyParView itself, so it stays put: no passive view (nothing to
/// promote when a link is dropped), random walks of length 0 (a join links the newcomer to its
/// contact and to the contact's neighbours, which are then dropped with
/// ``PartisanNode/leave(_:)``), no random promotion and no shuffle within a test's time.
/// `forwardHopLimit` is every node's ``HyParViewConfiguration/forwardHopLimit``.
public func startHyParViewLine(_ count: Int, ring: Bool = false, forwardHopLimit: Int = 5) async throws
    -> [PartisanNode]
{
    let serial = topologySerial.wrappingAdd(1, ordering: .relaxed).oldValue
    let overlay = Overlay.hyParView(
        HyParViewConfiguration(
            activeMaxSize: 4, activeMinSize: 1, passiveMaxSize: 0, activeRandomWalkLength: 0,
            passiveRandomWalkLength: 0, shuffleInterval: .seconds(3_600), randomPromotion: false,
            randomPromotionInterval: .seconds(3_600), forwardHopLimit: forwardHopLimit),
        seed: UInt64(serial + 1))
    // A member wrongly taken for dead would break the shape for good (there is no passive view
    // to repair it from), so failure detection is slow; links still go down at once on close.
    let timings = MembershipConfiguration(
        gossipInterval: .milliseconds(100), suspectAfter: .seconds(60), reconnectInitialBackoff: .milliseconds(50),
        reconnectMaxBackoff: .milliseconds(400))
    let nodes = try await startNodes(
        count, named: "h\(serial)", cookie: "topology", overlay: { _ in overlay }, membership: timings)
    do {
        for index in nodes.indices.dropFirst() { try await link(nodes[index], to: nodes[index - 1], among: nodes) }
        if ring, count > 2 { try await link(nodes[count - 1], to: nodes[0], among: nodes) }
        try await eventually("the overlay has the shape asked for") {
            nodes.indices.allSatisfy { index in
                var neighbours: Set<Node> = []
                if index > 0 { neighbours.insert(nodes[index - 1].name) }
                if index < count - 1 { neighbours.insert(nodes[index + 1].name) }
                if ring, count > 2, index == 0 { neighbours.insert(nodes[count - 1].name) }
                if ring, count > 2, index == count - 1 { neighbours.insert(nodes[0].name) }
                let node = nodes[index]
                return Set(node.members()) == neighbours.union([node.name]) && neighbours.allSatisfy(node.isConnected)
            }
        }
        return nodes
    } catch {
        for node in nodes { await node.shutdown() }
        throw error
    }
}

/// Joins `newcomer` to `contact`, then drops the links the join also made (to the contact's
/// other neighbours, each of which took the newcomer as the end of a random walk of length 0).
private func link(_ newcomer: PartisanNode, to contact: PartisanNode, among nodes: [PartisanNode]) async throws {
    let extra = Set(contact.members()).subtracting([contact.name, newcomer.name])
    try await newcomer.join(contact.listenAddress!)
    let others = nodes.filter { extra.contains($0.name) }
    // Each link must be fully set up both ways before it is dropped: a connection still being
    // dialled when its session ends would start a session of its own.
    try await eventually("the join's links are made") {
        Set(newcomer.members()).isSuperset(of: extra.union([contact.name]))
            && ([contact] + others).allSatisfy {
                $0.members().contains(newcomer.name) && $0.isFullyConnected(newcomer.name)
                    && newcomer.isFullyConnected($0.name)
            }
    }
    for other in others { await newcomer.leave(other.name) }
    try await eventually("the extra links are dropped") {
        others.allSatisfy { other in
            !other.members().contains(newcomer.name) && !newcomer.members().contains(other.name)
                && !other.isConnected(newcomer.name) && !newcomer.isConnected(other.name)
        }
    }
}
