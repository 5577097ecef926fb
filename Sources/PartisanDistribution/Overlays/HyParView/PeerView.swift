import PartisanCore

/// A bounded set of peers in insertion order: HyParView's active or passive view.
///
/// An array, not a hashed set, so that iteration order — and therefore every random choice
/// made from it — is the same in every run with the same seed.
struct PeerView: Sendable {
    /// How many peers the view holds at most.
    let capacity: Int
    private(set) var peers: [NodeSpec] = []

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { peers.count }
    var isEmpty: Bool { peers.isEmpty }
    var isFull: Bool { peers.count >= capacity }
    var nodes: [Node] { peers.map(\.node) }

    func contains(_ node: Node) -> Bool { peers.contains { $0.node == node } }

    func spec(of node: Node) -> NodeSpec? { peers.first { $0.node == node } }

    /// Adds `spec` (or refreshes its spec); the caller makes room first.
    mutating func insert(_ spec: NodeSpec) {
        if let index = peers.firstIndex(where: { $0.node == spec.node }) {
            peers[index] = spec
        } else {
            peers.append(spec)
        }
    }

    @discardableResult
    mutating func remove(_ node: Node) -> NodeSpec? {
        guard let index = peers.firstIndex(where: { $0.node == node }) else { return nil }
        return peers.remove(at: index)
    }

    /// A random peer other than those in `excluding`.
    func randomPeer(excluding: Set<Node> = [], using rng: inout SplitMix64) -> NodeSpec? {
        let candidates = peers.filter { !excluding.contains($0.node) }
        guard !candidates.isEmpty else { return nil }
        return candidates[Int(rng.next() % UInt64(candidates.count))]
    }

    /// Up to `count` distinct random peers.
    func sample(_ count: Int, using rng: inout SplitMix64) -> [NodeSpec] {
        var pool = peers
        var chosen: [NodeSpec] = []
        while chosen.count < count, !pool.isEmpty {
            chosen.append(pool.remove(at: Int(rng.next() % UInt64(pool.count))))
        }
        return chosen
    }
}
