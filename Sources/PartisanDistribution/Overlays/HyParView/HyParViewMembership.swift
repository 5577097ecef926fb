import PartisanCore

/// The HyParView overlay (Leitão, Pereira and Rodrigues, DSN 2007), as Partisan's
/// `partisan_hyparview_peer_service_manager` runs it: each node keeps a small **active view**
/// of peers it is connected to and a larger **passive view** of peers it knows, so a cluster
/// of thousands of nodes needs only a handful of connections per node.
///
/// - **Join.** A new node connects to a contact and sends it JOIN; the contact takes it as an
///   active peer and sends FORWARD_JOIN to each of its other active peers. A FORWARD_JOIN walks
///   the active views at random for ARWL hops: where its time to live is PRWL the new node
///   enters that node's passive view; where it ends (or a node has no other active peer) the
///   new node becomes an active peer, with a high-priority NEIGHBOR so that it accepts.
/// - **Active view.** Symmetric: a node that drops an active peer to make room sends it
///   DISCONNECT and keeps it as a passive peer. When an active peer fails (its connection
///   closes or it stops answering), a random passive peer is asked to become active with
///   NEIGHBOR — high priority (always accepted) while the active view is smaller than
///   ``HyParViewConfiguration/activeMinSize`` (the paper: only when it is empty; without
///   this a node can stay stuck below the minimum when every node it knows is full), low
///   (accepted only with a free slot) otherwise. While the view is not full the node keeps
///   promoting passive peers, every tick below the minimum, else every promotion period; a
///   node with two or more free slots sends FILL instead of a low-priority NEIGHBOR, and a
///   full node receiving it splices the asker into one of its links (it drops a random peer,
///   which takes the asker instead: HAND_OVER), so that views fill up where low-priority
///   requests to full nodes would all be refused (not in Partisan or the paper); every
///   promotion period it also re-asserts each active link with a low-priority NEIGHBOR, and a
///   peer that rejects it (it does not hold the link) is moved to the passive view (Partisan
///   6's active-view maintenance).
/// - **Shuffle.** Every shuffle period a node sends a sample of itself, its active and its
///   passive view on a random walk of ARWL hops; the node where it ends answers with a sample
///   of its passive view, and both merge what they received into their passive views.
/// - **Forwarding.** ``forward(_:to:)`` reaches a node that is not an active peer through the
///   active views (see that method).
///
/// ``members()`` is the active view and this node; ``knownPeers()`` adds the passive view.
/// Every random choice comes from one ``SplitMix64``, so the same seed and the same events
/// give the same overlay. Connections that no view needs any more (a peer that was sent
/// DISCONNECT, the origin of a shuffle this node answered) are closed one to two ticks later,
/// after the last message had time to leave. A node with no passive peer and fewer active
/// ones than ``HyParViewConfiguration/activeMinSize``, its last contact not among them, joins
/// again through that contact: it lost every peer, or all but those a partition cut off with it
/// (which then left it nothing to promote).
public struct HyParViewMembership: PeerServiceManager {
    /// This node's spec.
    public let localSpec: NodeSpec
    /// The parameters.
    public let configuration: HyParViewConfiguration
    var rng: SplitMix64
    var active: PeerView
    var passive: PeerView
    /// NEIGHBOR requests waiting for an answer, with the tick each was sent at.
    var pending: [(spec: NodeSpec, sentAt: Int)] = []
    /// Peers held connected only to deliver a message, until the tick given.
    var transient: [(spec: NodeSpec, until: Int)] = []
    /// Peers with a connection up, as reported by the driver.
    var connected: Set<Node> = []
    /// Connected peers that no view needed at the last tick: closed at the next one.
    var idle: Set<Node> = []
    /// The sample sent by the last shuffle, preferred for eviction when its reply arrives.
    var lastShuffleSample: [Node] = []
    var tick = 0
    /// The contact of the last join, joined again if this node ends up knowing no peer.
    var contact: NodeSpec?
    let shuffleEvery: Int
    let promoteEvery: Int
    var forwarding = ForwardingState()
    /// What the event being handled wants done; emptied by ``finish()``.
    var outgoing: [(to: Node, message: Term)] = []
    var closing: [Node] = []
    var delivered: [(from: Node, payload: Term, hops: Int)] = []
    var node: Node { localSpec.node }

    /// A node alone in its overlay.
    ///
    /// - Parameters:
    ///   - tickInterval: how often the driver calls ``periodic()``, to count the configured
    ///     periods in ticks.
    ///   - rng: the source of every random choice (seed it for a reproducible overlay).
    public init(
        localSpec: NodeSpec, configuration: HyParViewConfiguration = .init(), tickInterval: Duration = .seconds(1),
        rng: SplitMix64 = SplitMix64()
    ) {
        self.localSpec = localSpec
        self.configuration = configuration
        self.rng = rng
        active = PeerView(capacity: configuration.activeMaxSize)
        passive = PeerView(capacity: configuration.passiveMaxSize)
        shuffleEvery = HyParViewConfiguration.ticks(configuration.shuffleInterval, per: tickInterval)
        promoteEvery = HyParViewConfiguration.ticks(configuration.randomPromotionInterval, per: tickInterval)
    }

    /// Messages to a peer being connected (a NEIGHBOR, a shuffle's answer) wait for it.
    public var holdsMessagesUntilConnected: Bool { true }

    /// The active view, in the order peers entered it.
    public var activeView: [NodeSpec] { active.peers }

    /// The passive view, in the order peers entered it.
    public var passiveView: [NodeSpec] { passive.peers }

    /// The members (see ``PeerServiceManager/members()``).
    public func members() -> [NodeSpec] { (active.peers + [localSpec]).sorted { $0.node < $1.node } }

    /// Every peer known (see ``PeerServiceManager/knownPeers()``).
    public func knownPeers() -> [NodeSpec] {
        (active.peers + passive.peers + [localSpec]).sorted { $0.node < $1.node }
    }

    /// Joins through `contact` (see ``PeerServiceManager/join(_:)``).
    public mutating func join(_ contact: NodeSpec) -> PeerServiceUpdate {
        guard contact.node != node else { return finish() }
        self.contact = contact
        addToActive(contact)
        send(.join(localSpec), to: contact.node)
        return finish()
    }

    /// Leaving: with this node's name, it sends DISCONNECT to every active peer and forgets
    /// both views (Partisan answers `not_implemented`); with another name, it drops that peer.
    public mutating func leave(_ leaving: Node) -> PeerServiceUpdate {
        if leaving == node {
            let peers = active.nodes
            for peer in peers { send(.disconnect(localSpec), to: peer) }
            active = PeerView(capacity: configuration.activeMaxSize)
            passive = PeerView(capacity: configuration.passiveMaxSize)
            pending = []
            transient = []
            closing = peers
            return finish()
        }
        active.remove(leaving)
        passive.remove(leaving)
        pending.removeAll { $0.spec.node == leaving }
        closing = [leaving]
        return finish()
    }

    /// A peer connected (see ``PeerServiceManager/peerUp(_:)``).
    public mutating func peerUp(_ peer: Node) -> PeerServiceUpdate {
        connected.insert(peer)
        idle.remove(peer)
        return finish()
    }

    /// A peer's connection closed: an active peer failed, so a passive one is asked to replace
    /// it at once; a peer being asked is taken for dead.
    public mutating func peerDown(_ peer: Node) -> PeerServiceUpdate {
        connected.remove(peer)
        idle.remove(peer)
        transient.removeAll { $0.spec.node == peer }
        if pending.contains(where: { $0.spec.node == peer }) {
            pending.removeAll { $0.spec.node == peer }
            passive.remove(peer)
        }
        if active.remove(peer) != nil { promote() }
        return finish()
    }

    /// The periodic tick (see ``PeerServiceManager/periodic()``).
    public mutating func periodic() -> PeerServiceUpdate {
        tick += 1
        let timeout = configuration.neighborRequestTimeout * promoteEvery
        for expired in pending where tick - expired.sentAt >= timeout {
            passive.remove(expired.spec.node)
        }
        pending.removeAll { tick - $0.sentAt >= timeout }
        transient.removeAll { $0.until < tick }
        if active.count < configuration.activeMinSize {
            promote()
        } else if configuration.randomPromotion, tick % promoteEvery == 0 {
            for peer in active.peers { send(.neighbor(localSpec, high: false), to: peer.node) }
            if active.count + pending.count < configuration.activeMaxSize { promote() }
        }
        if tick % shuffleEvery == 0 { startShuffle() }
        if passive.isEmpty, pending.isEmpty, active.count < configuration.activeMinSize, let contact,
            !active.contains(contact.node)
        {
            // Every peer was lost (failures, lost answers), or all but a few cut off with this
            // node by a partition that dropped the rest from the passive view: join again.
            addToActive(contact)
            send(.join(localSpec), to: contact.node)
        }
        closeIdleConnections()
        return finish()
    }

    // MARK: View changes

    /// Makes `spec` an active peer, dropping a random one (DISCONNECT, into the passive view)
    /// when the view is full.
    mutating func addToActive(_ spec: NodeSpec) {
        guard spec.node != node else { return }
        pending.removeAll { $0.spec.node == spec.node }
        if active.contains(spec.node) {
            active.insert(spec)
            return
        }
        passive.remove(spec.node)
        if active.isFull, let dropped = active.randomPeer(using: &rng) {
            active.remove(dropped.node)
            send(.disconnect(localSpec), to: dropped.node)
            addToPassive(dropped)
        }
        active.insert(spec)
    }

    /// Keeps `spec` as a passive peer, evicting one of `preferred` (else a random one) when the
    /// view is full.
    mutating func addToPassive(_ spec: NodeSpec, evicting preferred: [Node] = []) {
        guard spec.node != node, !active.contains(spec.node), configuration.passiveMaxSize > 0 else { return }
        if passive.contains(spec.node) {
            passive.insert(spec)
            return
        }
        if passive.isFull {
            let victim = preferred.first(where: passive.contains) ?? passive.randomPeer(using: &rng)?.node
            if let victim { passive.remove(victim) }
        }
        passive.insert(spec)
    }

    /// Asks a random passive peer (not already asked) to become active.
    mutating func promote() {
        guard active.count + pending.count < configuration.activeMaxSize else { return }
        let asked = Set(pending.map(\.spec.node))
        guard let candidate = passive.randomPeer(excluding: asked, using: &rng) else { return }
        pending.append((candidate, tick))
        if active.count < configuration.activeMinSize {
            send(.neighbor(localSpec, high: true), to: candidate.node)
        } else if configuration.activeMaxSize - active.count - pending.count >= 1 {
            // Two or more slots free (this request's included): ask to be spliced into a link.
            send(.fill(localSpec), to: candidate.node)
        } else {
            send(.neighbor(localSpec, high: false), to: candidate.node)
        }
    }

    /// Sends a sample of the views on a random walk through a random active peer.
    mutating func startShuffle() {
        guard let target = active.randomPeer(using: &rng) else { return }
        let others = PeerView(capacity: active.capacity, peers: active.peers.filter { $0.node != target.node })
        let sample =
            [localSpec] + others.sample(configuration.shuffleActiveCount, using: &rng)
            + passive.sample(configuration.shufflePassiveCount, using: &rng)
        lastShuffleSample = sample.map(\.node)
        send(
            .shuffle(origin: localSpec, timeToLive: configuration.activeRandomWalkLength, sample: sample),
            to: target.node)
    }

    /// Closes connections no view has needed for a whole tick.
    mutating func closeIdleConnections() {
        let wanted = Set(connectTargets.map(\.node))
        let unneeded = connected.subtracting(wanted)
        closing += unneeded.intersection(idle).sorted()
        idle = unneeded.subtracting(idle)
    }

    // MARK: Updates

    mutating func send(_ message: HyParViewMessage, to peer: Node) {
        outgoing.append((peer, message.term))
    }

    /// The peers to hold connections to: the active view, the peers asked to join it, and the
    /// peers a message is being delivered to.
    var connectTargets: [NodeSpec] {
        var targets = active.peers
        for spec in pending.map(\.spec) + transient.map(\.spec) where !targets.contains(where: { $0.node == spec.node })
        {
            targets.append(spec)
        }
        return targets
    }

    /// The update for what the event wanted done.
    mutating func finish() -> PeerServiceUpdate {
        let targets = connectTargets
        let wanted = Set(targets.map(\.node))
        var update = PeerServiceUpdate(
            members: members(), messages: outgoing, connect: targets,
            disconnect: closing.filter { !wanted.contains($0) })
        update.delivered = delivered
        outgoing = []
        closing = []
        delivered = []
        return update
    }
}

extension PeerView {
    init(capacity: Int, peers: [NodeSpec]) {
        self.init(capacity: capacity)
        for peer in peers { insert(peer) }
    }
}
