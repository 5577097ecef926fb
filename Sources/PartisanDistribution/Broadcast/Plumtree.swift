import PartisanCore

/// Plumtree broadcast (Leitão, Pereira and Rodrigues, "Epidemic Broadcast Trees", SRDS 2007),
/// as Partisan's `partisan_plumtree_broadcast`: a broadcast tree built and repaired on top of
/// an overlay's neighbours (HyParView's active view).
///
/// Each node splits its neighbours into *eager* peers, to which it pushes every new message at
/// once, and *lazy* peers, to which it only announces message ids (IHAVE) at the next
/// ``tick()``. All neighbours start eager. A duplicate copy prunes the link it came on (the
/// receiver moves the sender to lazy and sends PRUNE), so the eager links converge to a
/// spanning tree. When an announced message does not arrive by gossip within
/// `graftTimeoutTicks` ticks, the node sends GRAFT to the announcer, which sends the message
/// and makes the link eager again: the tree repairs itself. Every `exchangeTicks` ticks, an
/// anti-entropy exchange with one random neighbour (the ``PlumtreeHandler``'s summaries)
/// recovers what both pushes lost.
///
/// **A state machine.** No I/O, no timers: each method takes an event and returns a
/// ``PlumtreeOutput`` with the messages to send; the driver calls ``tick()`` periodically and
/// ``neighborsChanged(_:)`` when the overlay's members change. Deterministic: every random
/// choice comes from the generator it was built with, and outputs are in sorted order.
public struct Plumtree<Handler: PlumtreeHandler>: Sendable {
    /// This node.
    public let node: Node
    /// The payload owner.
    public private(set) var handler: Handler
    /// Peers to which new messages are pushed at once.
    public private(set) var eagerPeers: Set<Node> = []
    /// Peers to which new messages are only announced.
    public private(set) var lazyPeers: Set<Node> = []
    /// Ticks a missing announced message waits before a GRAFT (and between GRAFTs).
    public let graftTimeoutTicks: Int
    /// Ticks between anti-entropy exchanges (0: none).
    public let exchangeTicks: Int

    private var rng: SplitMix64
    private var ticks = 0
    /// IHAVEs waiting for the next tick, in order.
    private var pendingIHaves: [(to: Node, id: Term, round: Int)] = []
    /// Announced but missing messages, in the order first announced.
    private var missingIds: [Term] = []
    private var announcers: [Term: [(peer: Node, round: Int)]] = [:]
    private var graftDue: [Term: Int] = [:]
    /// Ids recently delivered by an exchange, whose tree copy (if any) must not prune its link.
    private var recovered: [Term] = []
    private static var recoveredLimit: Int { 256 }

    /// A tree over `neighbors` (all eager), delivering to `handler`.
    public init(
        node: Node, neighbors: [Node] = [], handler: Handler, rng: SplitMix64 = SplitMix64(),
        graftTimeoutTicks: Int = 1, exchangeTicks: Int = 10
    ) {
        self.node = node
        self.handler = handler
        self.rng = rng
        self.graftTimeoutTicks = max(1, graftTimeoutTicks)
        self.exchangeTicks = max(0, exchangeTicks)
        eagerPeers = Set(neighbors.filter { $0 != node })
    }

    /// Every neighbour, sorted.
    public var neighbors: [Node] { eagerPeers.union(lazyPeers).sorted() }

    /// The ids announced to this node that it is still waiting for.
    public var missing: [Term] { missingIds }

    /// Broadcasts a new message from this node: delivers it here, pushes it to the eager peers
    /// and announces it to the lazy ones. Nothing happens when the handler finds it stale.
    public mutating func broadcast(id: Term, payload: Term) -> PlumtreeOutput {
        var output = PlumtreeOutput()
        guard handler.merge(id: id, payload: payload) else { return output }
        output.delivered.append((id, 0))
        push(id: id, payload: payload, round: 0, except: node, into: &output)
        return output
    }

    /// A message from `peer` arrived.
    public mutating func handle(_ message: PlumtreeMessage, from peer: Node) -> PlumtreeOutput {
        var output = PlumtreeOutput()
        switch message {
        case .gossip(let id, let payload, let round):
            if handler.merge(id: id, payload: payload) {
                output.delivered.append((id, round))
                forget(id)
                makeEager(peer)
                push(id: id, payload: payload, round: round, except: peer, into: &output)
            } else if let index = recovered.firstIndex(of: id) {
                // The tree's copy of a message an exchange got here first: keep the link.
                recovered.remove(at: index)
                makeEager(peer)
            } else if isNeighbor(peer) {
                makeLazy(peer)
                output.messages.append((peer, .prune))
            }
        case .iHave(let id, let round):
            guard !handler.isStale(id) else { break }
            if announcers[id] == nil {
                missingIds.append(id)
                graftDue[id] = ticks + graftTimeoutTicks
            }
            announcers[id, default: []].append((peer, round))
        case .graft(let id, let round):
            makeEager(peer)
            if let payload = handler.payload(for: id) {
                output.messages.append((peer, .gossip(id: id, payload: payload, round: round + 1)))
            }
        case .prune:
            makeLazy(peer)
        case .exchange(let summary):
            output.messages.append((peer, .exchangeReply(summary: handler.exchangeSummary())))
            for (id, payload) in handler.missing(from: summary) {
                output.messages.append((peer, .missing(id: id, payload: payload)))
            }
        case .exchangeReply(let summary):
            for (id, payload) in handler.missing(from: summary) {
                output.messages.append((peer, .missing(id: id, payload: payload)))
            }
        case .missing(let id, let payload):
            guard handler.merge(id: id, payload: payload) else { break }
            output.delivered.append((id, 0))
            forget(id)
            recovered.append(id)
            if recovered.count > Self.recoveredLimit { recovered.removeFirst() }
            // Announced, not pushed: a repair must not prune the tree's links with duplicates.
            for other in neighbors where other != peer { pendingIHaves.append((other, id, 1)) }
        }
        return output
    }

    /// The periodic tick (Partisan's lazy tick): sends the pending IHAVEs, GRAFTs the
    /// announced messages that did not arrive in time, and every `exchangeTicks` ticks starts
    /// an anti-entropy exchange with one random neighbour.
    public mutating func tick() -> PlumtreeOutput {
        var output = PlumtreeOutput()
        ticks += 1
        for (peer, id, round) in pendingIHaves where isNeighbor(peer) && handler.payload(for: id) != nil {
            output.messages.append((peer, .iHave(id: id, round: round)))
        }
        pendingIHaves = []
        for id in missingIds where graftDue[id, default: .max] <= ticks {
            let queue = (announcers[id] ?? []).filter { isNeighbor($0.peer) }
            guard !handler.isStale(id), let (peer, round) = queue.first else {
                forget(id)
                continue
            }
            announcers[id] = Array(queue.dropFirst())
            graftDue[id] = ticks + graftTimeoutTicks
            makeEager(peer)
            output.messages.append((peer, .graft(id: id, round: round)))
        }
        if exchangeTicks > 0, ticks % exchangeTicks == 0 {
            let peers = neighbors
            if !peers.isEmpty {
                let peer = peers[Int(rng.next() % UInt64(peers.count))]
                output.messages.append((peer, .exchange(summary: handler.exchangeSummary())))
            }
        }
        return output
    }

    /// The overlay's neighbours are now `current`: new ones become eager peers, lost ones are
    /// forgotten (with the IHAVEs pending for them and their announcements).
    public mutating func neighborsChanged(_ current: [Node]) {
        let now = Set(current.filter { $0 != node })
        eagerPeers.formIntersection(now)
        lazyPeers.formIntersection(now)
        eagerPeers.formUnion(now.subtracting(lazyPeers))
        pendingIHaves.removeAll { !now.contains($0.to) }
        for id in missingIds { announcers[id]?.removeAll { !now.contains($0.peer) } }
    }

    private func isNeighbor(_ peer: Node) -> Bool {
        eagerPeers.contains(peer) || lazyPeers.contains(peer)
    }

    private mutating func makeEager(_ peer: Node) {
        guard isNeighbor(peer) else { return }
        lazyPeers.remove(peer)
        eagerPeers.insert(peer)
    }

    private mutating func makeLazy(_ peer: Node) {
        guard isNeighbor(peer) else { return }
        eagerPeers.remove(peer)
        lazyPeers.insert(peer)
    }

    /// Stops waiting for `id`.
    private mutating func forget(_ id: Term) {
        guard announcers.removeValue(forKey: id) != nil else { return }
        graftDue[id] = nil
        missingIds.removeAll { $0 == id }
    }

    private mutating func push(
        id: Term, payload: Term, round: Int, except sender: Node, into output: inout PlumtreeOutput
    ) {
        for peer in eagerPeers.sorted() where peer != sender {
            output.messages.append((peer, .gossip(id: id, payload: payload, round: round + 1)))
        }
        for peer in lazyPeers.sorted() where peer != sender {
            pendingIHaves.append((peer, id, round + 1))
        }
    }
}
