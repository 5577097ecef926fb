import Logging
import PartisanCore
import Synchronization

/// The driver of a ``Plumtree`` on a running node: Partisan's `partisan_plumtree_broadcast`
/// server, one per name (Partisan runs one per handler module).
///
/// It keeps the tree under one lock and feeds it its events: messages from peers, the
/// periodic ``PlumtreeConfiguration/tickInterval`` tick (pending IHAVEs, GRAFTs of overdue
/// announcements, an anti-entropy exchange every ``PlumtreeConfiguration/exchangeTicks``
/// ticks), and the overlay's member changes, which become the tree's neighbours (the full
/// mesh's members, HyParView's active view). It sends what the tree outputs and reports each
/// new message to the subscribers of ``onDelivery(_:)``.
///
/// **Wire.** Its messages travel on the overlay's `membership` channel as
/// `{plumtree, Name, Message}` (``PlumtreeMessage/term`` for `Message`, `Name` an atom),
/// multiplexed with the overlay's own traffic (``MembershipService/setServiceHandler(tag:name:_:)``),
/// so several broadcasts with distinct names share one node. A message for a name this node
/// does not run, or one that is not a ``PlumtreeMessage``, is logged and dropped. Delivery is
/// best effort (a message to a peer that is not connected is dropped): the tree's GRAFTs and
/// exchanges repair what is lost. While the membership service is suspended
/// (``MembershipService/suspendForTesting()``) the broadcast neither sends nor receives.
///
/// **Threading.** Every method may be called from any thread; none blocks. Handlers and
/// subscribers run outside the lock, on the thread of the event (an event loop or the
/// ticker's task), and must not block either.
public final class PlumtreeService<Handler: PlumtreeHandler>: Sendable {
    private struct State: Sendable {
        var tree: Plumtree<Handler>
        var neighbors: [Node]
        var stopped = false
    }

    /// The tag of every Plumtree message on the `membership` channel.
    package static var tag: String { "plumtree" }

    /// The broadcast's name, the same on every node that runs it.
    public let name: String
    /// The timings.
    public let configuration: PlumtreeConfiguration
    /// This node.
    public let node: Node
    private let membership: MembershipService
    private let state: Mutex<State>
    private let subscribers = Mutex<[@Sendable (PlumtreeDelivery) -> Void]>([])
    private let ticker = Mutex<Task<Void, Never>?>(nil)
    private let logger: Logger

    /// Starts the broadcast `name` with `handler` on the node of `membership`, with the
    /// overlay's current members as neighbours. Starting two broadcasts of one name on one
    /// node replaces the first one's routing: stop it first (``PartisanNode`` keeps names
    /// unique).
    package static func start(
        _ name: String, handler: Handler, membership: MembershipService,
        configuration: PlumtreeConfiguration = .init(), logger: Logger = Logger(label: "partisan.plumtree")
    ) -> PlumtreeService {
        let service = PlumtreeService(
            name: name, handler: handler, membership: membership, configuration: configuration, logger: logger)
        membership.setServiceHandler(tag: tag, name: name) { [weak service] term, peer in
            service?.received(term, from: peer)
        }
        membership.onMembersChanged(key: service.subscriptionKey) { [weak service] _ in service?.syncNeighbors() }
        let interval = configuration.tickInterval
        service.ticker.withLock {
            $0 = Task { [weak service] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard let service, !Task.isCancelled else { return }
                    service.tick()
                }
            }
        }
        return service
    }

    private init(
        name: String, handler: Handler, membership: MembershipService, configuration: PlumtreeConfiguration,
        logger: Logger
    ) {
        let node = membership.withManager { $0.localSpec.node }
        let neighbors = membership.members().map(\.node).filter { $0 != node }
        self.name = name
        self.configuration = configuration
        self.node = node
        self.membership = membership
        self.logger = logger
        let rng = configuration.seed.map(SplitMix64.init(seed:)) ?? SplitMix64()
        state = Mutex(
            State(
                tree: Plumtree(
                    node: node, neighbors: neighbors, handler: handler, rng: rng,
                    graftTimeoutTicks: configuration.graftTimeoutTicks, exchangeTicks: configuration.exchangeTicks),
                neighbors: neighbors))
    }

    private var subscriptionKey: String { "\(Self.tag)/\(name)" }

    // MARK: Client API

    /// Broadcasts the message `id` with `payload` from this node (Partisan's
    /// `partisan_plumtree_broadcast:broadcast/2`): the handler merges it here, then it is
    /// pushed along the tree. Returns `false`, sending nothing, when the handler finds it
    /// stale or the service is stopped.
    @discardableResult
    public func broadcast(id: Term, payload: Term) -> Bool {
        broadcast { _ in (id, payload) }
    }

    /// Broadcasts the message `message` makes from the handler's current state (for example
    /// ``LWWMap/put(_:_:)``, which needs the key's current version), atomically: no other
    /// event reaches the handler in between. Nothing is sent when `message` returns `nil`.
    /// `message` must not block.
    @discardableResult
    public func broadcast(_ message: (Handler) -> (id: Term, payload: Term)?) -> Bool {
        let result = state.withLock { s -> (PlumtreeOutput, Term)? in
            guard !s.stopped, let (id, payload) = message(s.tree.handler) else { return nil }
            return (s.tree.broadcast(id: id, payload: payload), payload)
        }
        guard let (output, payload) = result else { return false }
        carryOut(output, payload: payload, from: nil)
        return !output.delivered.isEmpty
    }

    /// Calls `subscriber` with every new message delivered here, this node's own broadcasts
    /// included, for as long as the service runs (outside the lock; it must not block).
    public func onDelivery(_ subscriber: @escaping @Sendable (PlumtreeDelivery) -> Void) {
        subscribers.withLock { $0.append(subscriber) }
    }

    /// Runs `body` on the handler's current state under the lock (to read it; it must not
    /// block).
    public func withHandler<T>(_ body: (Handler) -> T) -> T {
        state.withLock { body($0.tree.handler) }
    }

    /// A copy of the handler's current state.
    public var handler: Handler { withHandler { $0 } }

    /// The tree's neighbours now: `(eager, lazy)`, each sorted.
    public var peers: (eager: [Node], lazy: [Node]) {
        state.withLock { ($0.tree.eagerPeers.sorted(), $0.tree.lazyPeers.sorted()) }
    }

    /// Whether ``stop()`` was called.
    package var isStopped: Bool { state.withLock { $0.stopped } }

    /// Stops the broadcast on this node: no more ticks, its messages are no longer routed
    /// here (peers' messages for it are dropped), ``broadcast(id:payload:)`` returns `false`.
    /// The handler keeps its state (``handler``).
    public func stop() {
        let wasRunning = state.withLock { s in
            defer { s.stopped = true }
            return !s.stopped
        }
        guard wasRunning else { return }
        ticker.withLock {
            $0?.cancel()
            $0 = nil
        }
        membership.setServiceHandler(tag: Self.tag, name: name, nil)
        membership.onMembersChanged(key: subscriptionKey, nil)
        subscribers.withLock { $0 = [] }
    }

    // MARK: Events

    private func received(_ term: Term, from peer: Node) {
        guard let message = PlumtreeMessage(term: term) else {
            logger.notice(
                "dropped a malformed plumtree message",
                metadata: ["node": "\(node)", "peer": "\(peer)", "broadcast": "\(name)"])
            return
        }
        let output = state.withLock { s -> PlumtreeOutput? in
            s.stopped ? nil : s.tree.handle(message, from: peer)
        }
        guard let output else { return }
        let payload: Term? =
            switch message {
            case .gossip(_, let payload, _), .missing(_, let payload): payload
            default: nil
            }
        carryOut(output, payload: payload, from: peer)
    }

    private func tick() {
        if membership.isStopped {
            stop()
            return
        }
        syncNeighbors()
        let output = state.withLock { s -> PlumtreeOutput? in s.stopped ? nil : s.tree.tick() }
        if let output { carryOut(output, payload: nil, from: nil) }
    }

    /// Makes the overlay's current members the tree's neighbours, if they changed.
    private func syncNeighbors() {
        let current = membership.members().map(\.node).filter { $0 != node }
        state.withLock { s in
            guard !s.stopped, current != s.neighbors else { return }
            s.neighbors = current
            s.tree.neighborsChanged(current)
        }
    }

    /// Sends `output`'s messages and reports its deliveries (each carrying `payload`, the
    /// payload of the event's message).
    private func carryOut(_ output: PlumtreeOutput, payload: Term?, from peer: Node?) {
        for (to, message) in output.messages {
            membership.sendOnChannel(.tuple([.atom(Self.tag), .atom(name), message.term]), to: to)
        }
        guard !output.delivered.isEmpty, let payload else { return }
        let subscribers = subscribers.withLock { $0 }
        for (id, round) in output.delivered {
            let delivery = PlumtreeDelivery(id: id, payload: payload, round: round, from: peer)
            for subscriber in subscribers { subscriber(delivery) }
        }
    }
}
