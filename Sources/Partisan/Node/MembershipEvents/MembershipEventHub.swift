import Synchronization

/// A node's membership subscribers, and what turns the overlay's member lists and the
/// kernel's up/down callbacks into ``MembershipEvent``s for them.
final class MembershipEventHub: Sendable {
    private struct State {
        var subscribers: [UInt64: MembershipSubscriber] = [:]
        var nextID: UInt64 = 0
        /// The members last reported, this node excluded.
        var members: Set<Node>
        var finished = false
    }

    private let state: Mutex<State>
    private let node: Node
    /// The overlay's current members.
    private let currentMembers: @Sendable () -> [Node]

    init(node: Node, currentMembers: @escaping @Sendable () -> [Node]) {
        self.node = node
        self.currentMembers = currentMembers
        self.state = Mutex(State(members: Set(currentMembers()).subtracting([node])))
    }

    /// A new subscriber with a buffer of `limit` events; an already finished one when the
    /// node has stopped.
    func subscribe(limit: Int) -> MembershipSubscriber {
        state.withLock { s in
            let id = s.nextID
            s.nextID += 1
            let subscriber = MembershipSubscriber(limit: limit) { [weak self] in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
            }
            if s.finished {
                subscriber.finish()
            } else {
                s.subscribers[id] = subscriber
            }
            return subscriber
        }
    }

    /// How many subscriptions are live.
    var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// The overlay's members changed: reports who joined and who left since the last report.
    /// Reads the current list under the hub's lock, so reports made on several threads at once
    /// come out in a consistent order.
    func membersChanged() {
        state.withLock { s in
            let now = Set(currentMembers()).subtracting([node])
            let joined = now.subtracting(s.members).sorted()
            let left = s.members.subtracting(now).sorted()
            s.members = now
            for peer in left { Self.publish(.left(peer), to: s) }
            for peer in joined { Self.publish(.joined(peer), to: s) }
        }
    }

    /// A session with `peer` came up.
    func up(_ peer: Node) { state.withLock { Self.publish(.up(peer), to: $0) } }

    /// The session with `peer` ended.
    func down(_ peer: Node, reason: NodeDownReason) {
        state.withLock { Self.publish(.down(peer, reason: reason), to: $0) }
    }

    /// Ends every subscription (each consumer reads what is buffered, then `nil`), and every
    /// later one at once.
    func finish() {
        let subscribers = state.withLock { s in
            s.finished = true
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    /// Publishing under the hub's lock gives every subscriber the same order.
    private static func publish(_ event: MembershipEvent, to state: borrowing State) {
        guard !state.finished else { return }
        for subscriber in state.subscribers.values { subscriber.yield(event) }
    }
}
