import PartisanCore
import PartisanDistribution

/// Runs many ``PeerServiceManager``s in one process with no sockets: an in-memory transport
/// and a discrete-event clock, for tests and for `partisan-bench` scenarios with thousands of
/// nodes.
///
/// The managers are the same values a ``MembershipService`` drives over TCP, and the
/// simulator drives them the same way: it calls ``PeerServiceManager/periodic()`` every
/// ``SimulationConfiguration/tickInterval`` (each node at its own phase), delivers each
/// overlay message after a random latency (or loses it, at
/// ``SimulationConfiguration/lossRate``), connects to the peers an update wants (holding
/// messages for them until connected, retrying dead ones), closes the ones it drops, and
/// reports peers up and down to both ends. Messages between two nodes arrive in the order
/// they were sent; a message arrives only while the receiver still holds the connection.
///
/// **Deterministic.** Time is simulated (no clock is read, nothing sleeps) and every random
/// choice — latencies, losses, phases, the managers' own when built with
/// ``addNodes(_:overlay:)`` — comes from ``SimulationConfiguration/seed``: the same seed and
/// the same calls give the same run.
///
/// Not thread-safe: use one simulator from one task.
public final class OverlaySimulator {
    /// A message that reached a node through ``forward(_:from:to:)`` or ``broadcast(_:from:)``.
    public struct Delivery: Sendable {
        /// The node it arrived at.
        public var node: Int
        /// The node that sent it.
        public var origin: Node
        /// What was sent.
        public var payload: Term
        /// When it arrived.
        public var time: Duration
        /// How many hops it took (0 at the sender of a broadcast).
        public var hops: Int
    }

    struct SimulatedNode {
        var spec: NodeSpec
        var manager: any PeerServiceManager
        var alive = true
        var members: [Node] = []
        var wanted: Set<Int> = []
        var connections: Set<Int> = []
        var connecting: Set<Int> = []
        var held: [Int: [Term]] = [:]
        var joining: Int?
    }

    enum Event {
        case tick(Int)
        case deliver(from: Int, to: Int, Term)
        case connect(from: Int, to: Int)
        /// The connection `from` → `to` is accepted at `to`.
        case accepted(from: Int, to: Int)
        /// The acceptance reached the dialling side `to`.
        case established(from: Int, to: Int)
        case down(at: Int, peer: Int)
    }

    /// The conditions of the run.
    public let configuration: SimulationConfiguration
    /// The simulated time elapsed.
    public var now: Duration { .nanoseconds(clock) }
    /// Overlay messages sent (delivered or lost).
    public private(set) var messagesSent = 0
    /// Overlay messages sent, per kind: the atom a message is, or its tuple's first atom
    /// (`broadcast`, `forward`, `shuffle`, …).
    public private(set) var messagesSentByKind: [String: Int] = [:]
    /// Overlay messages lost in flight (``SimulationConfiguration/lossRate``).
    public private(set) var messagesLost = 0
    /// Overlay messages dropped because the peer was not, and was not to be, connected, or the
    /// receiver had closed the connection or died.
    public private(set) var messagesDropped = 0
    /// Connections set up so far.
    public private(set) var connectionsOpened = 0
    /// Messages that reached a node through ``forward(_:from:to:)`` or
    /// ``broadcast(_:from:)``, in arrival order.
    public private(set) var deliveries: [Delivery] = []

    var nodes: [SimulatedNode] = []
    private var index: [Node: Int] = [:]
    private var events = EventQueue<Event>()
    private var rng: SplitMix64
    private var clock: Int64 = 0
    /// The latest arrival scheduled on each directed pair, to keep each pair in order.
    private var lastArrival: [UInt64: Int64] = [:]

    /// An empty simulation.
    public init(configuration: SimulationConfiguration = .init()) {
        self.configuration = configuration
        rng = SplitMix64(seed: configuration.seed)
    }

    /// How many nodes were added (dead ones included).
    public var nodeCount: Int { nodes.count }

    /// The spec of simulated node `i`: `sim<i>@memory`, on no real address.
    public static func spec(ofNode i: Int) -> NodeSpec {
        NodeSpec(node: Node("sim\(i)@memory")!, listenAddresses: [ListenAddress(host: "memory", port: i)], channels: [])
    }

    /// Adds a node driven by `manager`; returns its index. Its first tick comes at a random
    /// phase within one tick interval.
    @discardableResult
    public func addNode(_ manager: any PeerServiceManager) -> Int {
        let i = nodes.count
        nodes.append(SimulatedNode(spec: manager.localSpec, manager: manager, members: [manager.localSpec.node]))
        index[manager.localSpec.node] = i
        let phase = Int64(rng.next() % UInt64(max(1, nanoseconds(configuration.tickInterval))))
        events.push(.tick(i), at: clock + phase)
        return i
    }

    /// Adds `count` nodes named as ``spec(ofNode:)``, each running `overlay` with a manager
    /// seeded from the simulation's seed; returns their indices.
    @discardableResult
    public func addNodes(_ count: Int, overlay: Overlay) -> [Int] {
        (0..<count).map { _ in
            let spec = Self.spec(ofNode: nodes.count)
            let seed = rng.next()
            let manager = overlay.makeManager(
                Overlay.Context(
                    localSpec: spec, creation: UInt32(truncatingIfNeeded: seed),
                    tickInterval: configuration.tickInterval,
                    seed: seed))
            return addNode(manager)
        }
    }

    /// Node `i` joins through `contact`, as ``MembershipService/join(_:)`` does: it connects,
    /// then its manager's ``PeerServiceManager/join(_:)`` runs.
    public func join(_ i: Int, through contact: Int) {
        guard nodes[i].alive else { return }
        nodes[i].joining = contact
        startConnecting(from: i, to: contact)
    }

    /// Kills node `i` at once: it stops, and its peers see its connections close after
    /// ``SimulationConfiguration/failureDetectionDelay``.
    public func kill(_ i: Int) {
        guard nodes[i].alive else { return }
        nodes[i].alive = false
        let delay = nanoseconds(configuration.failureDetectionDelay)
        for peer in nodes[i].connections.sorted() { events.push(.down(at: peer, peer: i), at: clock + delay) }
        nodes[i].connections = []
        nodes[i].connecting = []
        nodes[i].held = [:]
    }

    /// Sends `payload` from node `i` to `target` through the overlay (HyParView only, see
    /// ``HyParViewMembership/forward(_:to:)``); arrivals go to ``deliveries``. Returns `false`
    /// when `i`'s overlay does not forward.
    @discardableResult
    public func forward(_ payload: Term, from i: Int, to target: Node) -> Bool {
        guard nodes[i].alive, var manager = nodes[i].manager as? HyParViewMembership else { return false }
        let update = manager.forward(payload, to: target)
        nodes[i].manager = manager
        apply(update, at: i)
        return true
    }

    /// Floods `payload` from node `i` to every node (HyParView only, see
    /// ``HyParViewMembership/broadcast(_:)``); arrivals go to ``deliveries``. Returns `false`
    /// when `i`'s overlay does not broadcast.
    @discardableResult
    public func broadcast(_ payload: Term, from i: Int) -> Bool {
        guard nodes[i].alive, var manager = nodes[i].manager as? HyParViewMembership else { return false }
        let update = manager.broadcast(payload)
        nodes[i].manager = manager
        apply(update, at: i)
        return true
    }

    /// Runs the simulation for `duration` of simulated time.
    public func run(for duration: Duration) {
        let end = clock + nanoseconds(duration)
        while let next = events.nextTime, next <= end {
            let (time, event) = events.pop()!
            clock = time
            handle(event)
        }
        clock = end
    }

    /// Runs until `condition` holds (checked every `interval` of simulated time) or `limit` of
    /// simulated time has passed; returns the simulated time it took, `nil` when it never held.
    public func run(
        upTo limit: Duration, checkingEvery interval: Duration = .milliseconds(100),
        until condition: (OverlaySimulator) -> Bool
    ) -> Duration? {
        let start = clock
        let end = clock + nanoseconds(limit)
        while clock < end {
            if condition(self) { return .nanoseconds(clock - start) }
            run(for: interval)
        }
        return condition(self) ? .nanoseconds(clock - start) : nil
    }

    // MARK: Reading the state

    /// Whether node `i` is alive.
    public func isAlive(_ i: Int) -> Bool { nodes[i].alive }

    /// The index of the node named `node`.
    public func index(of node: Node) -> Int? { index[node] }

    /// The spec of node `i`.
    public func spec(of i: Int) -> NodeSpec { nodes[i].spec }

    /// Node `i`'s manager, as it is now.
    public func manager(of i: Int) -> any PeerServiceManager { nodes[i].manager }

    /// Node `i`'s members after its last event, itself included (the driver's view of
    /// ``PeerServiceManager/members()``).
    public func members(of i: Int) -> [Node] { nodes[i].members }

    /// The nodes `i` has a connection to, sorted.
    public func connections(of i: Int) -> [Int] { nodes[i].connections.sorted() }

    /// The graph of members (each alive node to its members but itself) over alive nodes.
    public func memberGraph() -> OverlayGraph {
        graph { i in nodes[i].members.compactMap { index[$0] }.filter { $0 != i } }
    }

    /// The graph of open connections over alive nodes.
    public func connectionGraph() -> OverlayGraph {
        graph { i in nodes[i].connections.sorted() }
    }

    private func graph(_ edges: (Int) -> [Int]) -> OverlayGraph {
        var adjacency: [Int: [Int]] = [:]
        for i in nodes.indices where nodes[i].alive { adjacency[i] = edges(i).filter { nodes[$0].alive } }
        return OverlayGraph(adjacency: adjacency)
    }

    // MARK: Events

    private func handle(_ event: Event) {
        switch event {
        case .tick(let i):
            guard nodes[i].alive else { return }
            events.push(.tick(i), at: clock + nanoseconds(configuration.tickInterval))
            drive(i) { $0.periodic() }
        case .deliver(let from, let to, let message):
            guard nodes[to].alive, nodes[to].connections.contains(from) else {
                messagesDropped += 1
                return
            }
            let sender = nodes[from].spec.node
            drive(to) { $0.handle(message: message, from: sender) }
        case .connect(let from, let to):
            guard nodes[from].alive, nodes[from].connecting.contains(to) else { return }
            guard nodes[to].alive else {
                // Refused: try again later while still wanted.
                nodes[from].connecting.remove(to)
                if nodes[from].wanted.contains(to) || nodes[from].joining == to {
                    nodes[from].connecting.insert(to)
                    events.push(.connect(from: from, to: to), at: clock + nanoseconds(configuration.reconnectDelay))
                }
                return
            }
            schedule(.accepted(from: from, to: to), from: from, to: to)
        case .accepted(let from, let to):
            guard nodes[to].alive, nodes[from].alive else { return }
            if !nodes[to].connections.contains(from) {
                nodes[to].connections.insert(from)
                nodes[to].connecting.remove(from)
                connectionsOpened += 1
                peerUp(from, at: to)
            }
            schedule(.established(from: to, to: from), from: to, to: from)
        case .established(let acceptor, let dialler):
            guard nodes[dialler].alive, nodes[acceptor].connections.contains(dialler) else { return }
            nodes[dialler].connecting.remove(acceptor)
            if !nodes[dialler].connections.contains(acceptor) {
                nodes[dialler].connections.insert(acceptor)
                peerUp(acceptor, at: dialler)
            }
            if nodes[dialler].joining == acceptor {
                nodes[dialler].joining = nil
                let contact = nodes[acceptor].spec
                drive(dialler) { $0.join(contact) }
            }
        case .down(let i, let peer):
            guard nodes[i].alive, nodes[i].connections.remove(peer) != nil else { return }
            nodes[i].held[peer] = nil
            let gone = nodes[peer].spec.node
            drive(i) { $0.peerDown(gone) }
            if nodes[i].wanted.contains(peer) { startConnecting(from: i, to: peer) }
        }
    }

    private func peerUp(_ peer: Int, at i: Int) {
        for message in nodes[i].held.removeValue(forKey: peer) ?? [] { transmit(message, from: i, to: peer) }
        let up = nodes[peer].spec.node
        drive(i) { $0.peerUp(up) }
    }

    /// Runs one event on node `i`'s manager and carries out the update.
    /// `event` must not read the simulator's state (the manager is borrowed from it).
    private func drive(_ i: Int, _ event: (inout any PeerServiceManager) -> PeerServiceUpdate) {
        let update = event(&nodes[i].manager)
        apply(update, at: i)
    }

    private func apply(_ update: PeerServiceUpdate, at i: Int) {
        nodes[i].members = update.members.map(\.node)
        var wanted: Set<Int> = []
        var wantedInOrder: [Int] = []
        for spec in update.connect {
            guard let j = index[spec.node], j != i, wanted.insert(j).inserted else { continue }
            wantedInOrder.append(j)
        }
        for gone in update.disconnect { if let j = index[gone] { wanted.remove(j) } }
        nodes[i].wanted = wanted
        for peer in nodes[i].held.keys.sorted() where !wanted.contains(peer) { nodes[i].held[peer] = nil }
        for (to, message) in update.messages {
            guard let j = index[to] else {
                messagesDropped += 1
                continue
            }
            if nodes[i].connections.contains(j) {
                transmit(message, from: i, to: j)
            } else if wanted.contains(j), nodes[i].manager.holdsMessagesUntilConnected {
                nodes[i].held[j, default: []].append(message)
                if nodes[i].held[j]!.count > configuration.heldMessageLimit { nodes[i].held[j]!.removeFirst() }
            } else {
                messagesDropped += 1
            }
        }
        for gone in update.disconnect {
            guard let j = index[gone], nodes[i].connections.contains(j) else { continue }
            events.push(.down(at: i, peer: j), at: clock)
            schedule(.down(at: j, peer: i), from: i, to: j)
        }
        for delivery in update.delivered {
            deliveries.append(
                Delivery(node: i, origin: delivery.from, payload: delivery.payload, time: now, hops: delivery.hops))
        }
        for j in wantedInOrder where !nodes[i].connections.contains(j) { startConnecting(from: i, to: j) }
    }

    private func startConnecting(from i: Int, to j: Int) {
        guard i != j, !nodes[i].connections.contains(j), nodes[i].connecting.insert(j).inserted else { return }
        events.push(.connect(from: i, to: j), at: clock)
    }

    private func transmit(_ message: Term, from i: Int, to j: Int) {
        messagesSent += 1
        messagesSentByKind[message.atomValue ?? message.tupleValue?.first?.atomValue ?? "?", default: 0] += 1
        if configuration.lossRate > 0, Double(rng.next() >> 11) / Double(1 << 53) < configuration.lossRate {
            messagesLost += 1
            return
        }
        schedule(.deliver(from: i, to: j, message), from: i, to: j)
    }

    /// Schedules `event` on the pair `from` → `to` after a random latency, never before an
    /// earlier event of the same pair.
    private func schedule(_ event: Event, from i: Int, to j: Int) {
        let low = nanoseconds(configuration.latency.lowerBound)
        let spread = UInt64(max(0, nanoseconds(configuration.latency.upperBound) - low)) + 1
        let key = UInt64(i) << 32 | UInt64(j)
        let time = max(clock + low + Int64(rng.next() % spread), lastArrival[key] ?? 0)
        lastArrival[key] = time
        events.push(event, at: time)
    }

    private func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
