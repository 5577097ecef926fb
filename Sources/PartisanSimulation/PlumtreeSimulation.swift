import PartisanCore
import PartisanDistribution

/// Runs a ``Plumtree`` per node of an ``OverlaySimulator``, on the overlay's members
/// (HyParView's active views), in the same simulated time.
///
/// The overlay simulator carries only overlay messages, so this runs its own message loop
/// beside it: ``run(for:)`` advances the overlay in steps of ``step``, passes each alive
/// node's changed members to its tree (``Plumtree/neighborsChanged(_:)``), and between steps
/// delivers Plumtree messages with the overlay's latency and loss
/// (``SimulationConfiguration/latency``, ``SimulationConfiguration/lossRate``), in order per
/// pair of nodes, and runs each tree's ``Plumtree/tick()`` every `tickInterval` (each node at
/// its own phase). A message reaches a node only while it is alive. Deterministic: its random
/// choices come from the overlay's seed.
///
/// Not thread-safe: use it from one task.
public final class PlumtreeSimulation<Handler: PlumtreeHandler> {
    enum Event {
        case tick(Int)
        case deliver(from: Int, to: Int, PlumtreeMessage)
    }

    /// The overlay underneath.
    public let overlay: OverlaySimulator
    /// How often each tree ticks.
    public let tickInterval: Duration
    /// How far the overlay runs between two passes of members to the trees.
    public let step: Duration
    /// Messages delivered to handlers (new ones only): the node, the message id and its hops,
    /// in arrival order.
    public private(set) var deliveries: [(node: Int, id: Term, round: Int)] = []
    /// Plumtree messages sent, per kind (`gossip`, `i_have`, `graft`, `prune`, `exchange`,
    /// `exchange_reply`, `missing`).
    public private(set) var sent: [String: Int] = [:]
    /// Plumtree messages lost in flight.
    public private(set) var lost = 0

    private var trees: [Plumtree<Handler>] = []
    private var members: [[Node]] = []
    private var events = EventQueue<Event>()
    private var rng: SplitMix64
    private var clock: Int64
    private var lastArrival: [UInt64: Int64] = [:]

    /// A tree on each node of `overlay`, with the handler `handler(i)` on node `i`, ticking
    /// every `tickInterval`.
    public init(
        overlay: OverlaySimulator, tickInterval: Duration = .milliseconds(100), step: Duration = .milliseconds(10),
        graftTimeoutTicks: Int = 1, exchangeTicks: Int = 10, handler: (Int) -> Handler
    ) {
        self.overlay = overlay
        self.tickInterval = tickInterval
        self.step = step
        rng = SplitMix64(seed: overlay.configuration.seed ^ 0x504C_554D_5452_4545)
        clock = Self.nanoseconds(overlay.now)
        for i in 0..<overlay.nodeCount {
            let node = overlay.spec(of: i).node
            let current = overlay.members(of: i).filter { $0 != node }
            trees.append(
                Plumtree(
                    node: node, neighbors: current, handler: handler(i), rng: rng.split(),
                    graftTimeoutTicks: graftTimeoutTicks, exchangeTicks: exchangeTicks))
            members.append(current)
            let phase = Int64(rng.next() % UInt64(max(1, Self.nanoseconds(tickInterval))))
            events.push(.tick(i), at: clock + phase)
        }
    }

    /// Node `i`'s tree, as it is now.
    public func tree(of i: Int) -> Plumtree<Handler> { trees[i] }

    /// Runs `event` on node `i`'s tree (for example a ``Plumtree/broadcast(id:payload:)``)
    /// and sends what it outputs. Nothing happens on a dead node.
    public func drive(_ i: Int, _ event: (inout Plumtree<Handler>) -> PlumtreeOutput) {
        guard overlay.isAlive(i) else { return }
        let output = event(&trees[i])
        apply(output, at: i)
    }

    /// Runs the overlay and the trees for `duration` of simulated time.
    public func run(for duration: Duration) {
        let end = clock + Self.nanoseconds(duration)
        while clock < end {
            let next = min(end, clock + max(1, Self.nanoseconds(step)))
            overlay.run(for: .nanoseconds(next - clock))
            syncMembers()
            while let time = events.nextTime, time <= next {
                let (at, event) = events.pop()!
                clock = at
                handle(event)
            }
            clock = next
        }
    }

    private func syncMembers() {
        for i in trees.indices where overlay.isAlive(i) {
            let node = trees[i].node
            let current = overlay.members(of: i).filter { $0 != node }
            if current != members[i] {
                members[i] = current
                trees[i].neighborsChanged(current)
            }
        }
    }

    private func handle(_ event: Event) {
        switch event {
        case .tick(let i):
            guard overlay.isAlive(i) else { return }
            events.push(.tick(i), at: clock + Self.nanoseconds(tickInterval))
            drive(i) { $0.tick() }
        case .deliver(let from, let to, let message):
            let sender = trees[from].node
            drive(to) { $0.handle(message, from: sender) }
        }
    }

    private func apply(_ output: PlumtreeOutput, at i: Int) {
        for (id, round) in output.delivered { deliveries.append((i, id, round)) }
        for (to, message) in output.messages {
            guard let j = overlay.index(of: to) else { continue }
            sent[Self.kind(of: message), default: 0] += 1
            let configuration = overlay.configuration
            if configuration.lossRate > 0, Double(rng.next() >> 11) / Double(1 << 53) < configuration.lossRate {
                lost += 1
                continue
            }
            let low = Self.nanoseconds(configuration.latency.lowerBound)
            let spread = UInt64(max(0, Self.nanoseconds(configuration.latency.upperBound) - low)) + 1
            let key = UInt64(i) << 32 | UInt64(j)
            let time = max(clock + low + Int64(rng.next() % spread), lastArrival[key] ?? 0)
            lastArrival[key] = time
            events.push(.deliver(from: i, to: j, message), at: time)
        }
    }

    private static func kind(of message: PlumtreeMessage) -> String {
        message.term.atomValue ?? message.term.tupleValue?.first?.atomValue ?? "?"
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
