import Synchronization

/// One subscriber's bounded buffer of membership events and the consumer waiting on it.
///
/// Policy: at most `limit` events wait; a new event beyond that discards the oldest, and the
/// consumer's next read returns ``MembershipEvent/overflow(dropped:)`` with how many were
/// discarded, then the rest in order. The node never waits for a slow consumer.
final class MembershipSubscriber: Sendable {
    private struct State {
        var events: [MembershipEvent] = []
        /// Where the unread events start in ``events``.
        var head = 0
        var dropped = 0
        var waiting: CheckedContinuation<MembershipEvent?, Never>?
        /// No more events come; the buffered ones are still read.
        var finished = false
        /// The consumer is gone: reads end at once.
        var cancelled = false

        var count: Int { events.count - head }

        mutating func popFirst() -> MembershipEvent? {
            if dropped > 0 {
                defer { dropped = 0 }
                return .overflow(dropped: dropped)
            }
            guard head < events.count else { return nil }
            let event = events[head]
            advance()
            return event
        }

        /// Moves past the oldest event, and now and then drops the events read, so the
        /// storage stays within twice the limit.
        mutating func advance() {
            head += 1
            if head == events.count {
                events.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64, head * 2 >= events.count {
                events.removeFirst(head)
                head = 0
            }
        }
    }

    /// The most events that wait unread.
    let limit: Int
    private let state = Mutex(State())
    /// Called once, when the subscriber is cancelled, to remove it from its hub.
    private let onCancel: @Sendable () -> Void

    init(limit: Int, onCancel: @escaping @Sendable () -> Void) {
        self.limit = max(1, limit)
        self.onCancel = onCancel
    }

    /// Hands `event` to the waiting consumer, or buffers it (discarding the oldest beyond the
    /// limit). Never blocks.
    func yield(_ event: MembershipEvent) {
        let waiting = state.withLock { s -> CheckedContinuation<MembershipEvent?, Never>? in
            guard !s.finished, !s.cancelled else { return nil }
            if let waiting = s.waiting {
                s.waiting = nil
                return waiting
            }
            if s.count >= limit {
                s.advance()
                s.dropped += 1
            }
            s.events.append(event)
            return nil
        }
        waiting?.resume(returning: event)
    }

    /// Ends the events: the consumer reads what is buffered, then `nil`.
    func finish() {
        let waiting = state.withLock { s in
            s.finished = true
            defer { s.waiting = nil }
            return s.waiting
        }
        waiting?.resume(returning: nil)
    }

    /// Ends the subscription at once: the consumer reads `nil`, and the hub forgets it.
    func cancel() {
        let (waiting, first) = state.withLock { s in
            let first = !s.cancelled
            s.cancelled = true
            s.events = []
            s.head = 0
            defer { s.waiting = nil }
            return (s.waiting, first)
        }
        waiting?.resume(returning: nil)
        if first { onCancel() }
    }

    /// The next event, waiting for one; `nil` once finished and drained, or cancelled (also
    /// when the calling task is cancelled).
    func next() async -> MembershipEvent? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<MembershipEvent?, Never>) in
                let ready = state.withLock { s -> MembershipEvent?? in
                    if s.cancelled { return .some(nil) }
                    if let event = s.popFirst() { return .some(event) }
                    if s.finished { return .some(nil) }
                    s.waiting = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            cancel()
        }
    }
}
