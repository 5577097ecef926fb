import Partisan

/// A ring overlay, the example of `Guides/Overlays.md`'s "Writing your own overlay": every node
/// learns every member by gossip and keeps connections only to its two neighbours in name
/// order.
///
/// Deliberately small: a member is never forgotten (no leave or failure propagates; the driver
/// keeps reconnecting to a neighbour that went down).
struct RingOverlay: PeerServiceManager {
    let localSpec: NodeSpec
    /// Every node this one has heard of, itself included.
    private var known: [Node: NodeSpec]
    /// The peers connected now, from `peerUp` and `peerDown`.
    private var connected: Set<Node> = []

    init(localSpec: NodeSpec) {
        self.localSpec = localSpec
        self.known = [localSpec.node: localSpec]
    }

    func members() -> [NodeSpec] { known.values.sorted { $0.node < $1.node } }

    /// The nodes before and after this one on the ring (one when there are two nodes).
    var neighbours: [NodeSpec] {
        let ring = members()
        guard ring.count > 1, let i = ring.firstIndex(where: { $0.node == localSpec.node }) else { return [] }
        let previous = ring[(i + ring.count - 1) % ring.count]
        let next = ring[(i + 1) % ring.count]
        return previous.node == next.node ? [next] : [previous, next]
    }

    /// Tells the contact every member this node knows; its answer brings the rest.
    mutating func join(_ contact: NodeSpec) -> PeerServiceUpdate {
        if known[contact.node] == nil { known[contact.node] = contact }
        return update(gossipTo: [contact.node])
    }

    /// Forgets `node` here (nothing is gossiped: see the type's documentation).
    mutating func leave(_ node: Node) -> PeerServiceUpdate {
        if node == localSpec.node {
            known = [localSpec.node: localSpec]
        } else {
            known[node] = nil
        }
        return update(gossipTo: [])
    }

    /// A peer's member list: what a node says about itself wins, other nodes are added. A
    /// list that taught this node something is answered with what it knows now.
    mutating func handle(message: Term, from peer: Node) -> PeerServiceUpdate {
        guard case .list(let terms) = message else { return update(gossipTo: []) }
        let before = Set(known.keys)
        for spec in terms.compactMap({ try? NodeSpec(term: $0) }) where spec.node != localSpec.node {
            if spec.node == peer || known[spec.node] == nil { known[spec.node] = spec }
        }
        return update(gossipTo: Set(known.keys) == before ? [] : [peer] + neighbours.map(\.node))
    }

    /// Anti-entropy with the neighbours, and connections that are not a neighbour's dropped.
    mutating func periodic() -> PeerServiceUpdate {
        var result = update(gossipTo: neighbours.map(\.node))
        result.disconnect = connected.filter { peer in !neighbours.contains { $0.node == peer } }.sorted()
        return result
    }

    mutating func peerUp(_ peer: Node) -> PeerServiceUpdate {
        connected.insert(peer)
        return update(gossipTo: [])
    }

    mutating func peerDown(_ peer: Node) -> PeerServiceUpdate {
        connected.remove(peer)
        return update(gossipTo: [])
    }

    /// The members, the neighbours to keep connected, and this node's list to `peers`.
    private func update(gossipTo peers: [Node]) -> PeerServiceUpdate {
        let list = Term.list(members().map(\.term))
        return PeerServiceUpdate(members: members(), messages: peers.map { ($0, list) }, connect: neighbours)
    }
}

extension Overlay {
    /// Every node keeps connections to its two neighbours in name order (``RingOverlay``).
    static let ring = Overlay(name: "ring") { context in RingOverlay(localSpec: context.localSpec) }
}
