/// Receiving: FIFO, selective (by predicate or by type), with or without a timeout.
///
/// Selective receive takes the first message in arrival order that matches and leaves the
/// others queued in their order, as Erlang's `receive` does. Predicates run while the mailbox
/// is locked: they must be quick and must not use this context.
///
/// Every receive throws ``ProcessError/exiting(_:)`` once the process has been killed or has
/// received an exit signal it does not trap; let that error propagate out of the body.
extension ProcessContext {
    /// Waits for the next message, in arrival order.
    public func receive() async throws(ProcessError) -> any Sendable {
        try await receiveMessage(deadline: nil, takesAnyMessage: true) { _ in true }!
    }

    /// Waits up to `timeout` for the next message; returns `nil` if none came in time
    /// (Erlang's `receive ... after`). A zero timeout only looks at the mailbox.
    public func receive(timeout: Duration) async throws(ProcessError) -> (any Sendable)? {
        try await receiveMessage(deadline: MonotonicClock.deadline(after: timeout), takesAnyMessage: true) { _ in true }
    }

    /// Waits for the first message of type `T` (that also satisfies `predicate`, if given).
    @inlinable
    public func receive<T: Sendable>(
        _ type: T.Type, where predicate: (T) -> Bool = { _ in true }
    ) async throws(ProcessError) -> T {
        try await receiveMessage(deadline: nil, takesAnyMessage: false) {
            guard let value = $0 as? T else { return false }
            return predicate(value)
        } as! T
    }

    /// Waits up to `timeout` for the first message of type `T` satisfying `predicate`;
    /// returns `nil` if none came in time.
    @inlinable
    public func receive<T: Sendable>(
        _ type: T.Type, timeout: Duration, where predicate: (T) -> Bool = { _ in true }
    ) async throws(ProcessError) -> T? {
        try await receiveMessage(deadline: ProcessContext.deadline(after: timeout), takesAnyMessage: false) {
            guard let value = $0 as? T else { return false }
            return predicate(value)
        } as? T
    }

    /// Waits for the first message satisfying `predicate`.
    public func receive(where predicate: (any Sendable) -> Bool) async throws(ProcessError) -> any Sendable {
        try await receiveMessage(deadline: nil, takesAnyMessage: false, matching: predicate)!
    }

    /// Waits up to `timeout` for the first message satisfying `predicate`; returns `nil` if
    /// none came in time.
    public func receive(
        timeout: Duration, where predicate: (any Sendable) -> Bool
    ) async throws(ProcessError) -> (any Sendable)? {
        try await receiveMessage(
            deadline: MonotonicClock.deadline(after: timeout), takesAnyMessage: false, matching: predicate)
    }

    /// Waits until the process ends, receiving nothing: Erlang's `receive after infinity ->
    /// ok end`. Messages stay queued; a kill or an exit signal ends the wait by throwing
    /// ``ProcessError/exiting(_:)``.
    public func waitForever() async throws(ProcessError) -> Never {
        while true {
            if hasExited.load(ordering: .acquiring), let reason = state.withLock({ $0.exitReason }) {
                throw .exiting(reason)
            }
            await park(until: nil)
            // New messages stay queued: move them aside so the next park waits for more.
            _ = refillInbox()
        }
    }

    /// The number of messages waiting in the mailbox.
    public var mailboxCount: Int { state.withLock { $0.queue.count } + inboxCount.load(ordering: .relaxed) }

    /// The monotonic deadline `timeout` from now (for inlinable receives).
    @usableFromInline
    static func deadline(after timeout: Duration) -> UInt64 { MonotonicClock.deadline(after: timeout) }

    /// The receive loop: scan the messages not yet scanned, park until new ones arrive, the
    /// deadline passes or the process exits. Returns the first message `matching` accepts, or
    /// `nil` when the deadline passed. `takesAnyMessage` says `matching` accepts everything,
    /// which allows taking the head at once and handing a message straight to a parked receive.
    ///
    /// Non-generic on purpose: a generic loop is not specialised across modules and pays for
    /// generic metadata on every call.
    @usableFromInline
    func receiveMessage(
        deadline: UInt64?, takesAnyMessage: Bool, matching: (any Sendable) -> Bool
    ) async throws(ProcessError) -> (any Sendable)? {
        // A waiting process keeps this frame alive in its task's allocator, so it holds only
        // integers across the one suspension point; `take` does the work synchronously.
        var scanned = 0
        while true {
            if let message = try take(from: &scanned, takesAnyMessage: takesAnyMessage, matching: matching) {
                return message
            }
            if let deadline, deadline <= MonotonicClock.now() { return nil }
            await park(until: deadline)
        }
    }

    /// Takes the first message from inbox index `scanned` on that matches, advancing
    /// `scanned` past the ones that did not; moves the shared queue into the inbox (one lock)
    /// when the inbox has nothing more. Throws if the process has exited.
    private func take(
        from scanned: inout Int, takesAnyMessage: Bool, matching: (any Sendable) -> Bool
    ) throws(ProcessError) -> (any Sendable)? {
        while true {
            if hasExited.load(ordering: .acquiring), let reason = state.withLock({ $0.exitReason }) {
                throw .exiting(reason)
            }
            if takesAnyMessage {
                if let message = inbox.popFirst() {
                    inboxCount.store(inbox.count, ordering: .relaxed)
                    return message
                }
            } else {
                while scanned < inbox.count {
                    if matching(inbox[scanned]) {
                        let message = inbox.remove(at: scanned)
                        inboxCount.store(inbox.count, ordering: .relaxed)
                        return message
                    }
                    scanned += 1
                }
            }
            guard refillInbox() else { return nil }
        }
    }

    /// Moves the shared queue to the end of the inbox; returns `false` if it was empty.
    private func refillInbox() -> Bool {
        state.withLock { s in
            guard !s.queue.isEmpty else { return false }
            if inbox.isEmpty {
                swap(&inbox, &s.queue)
            } else {
                inbox.append(contentsOf: s.queue)
                s.queue.removeAll(keepingCapacity: true)
            }
            inboxCount.store(inbox.count, ordering: .relaxed)
            return true
        }
    }

    /// Suspends until a message arrives in the shared queue, the deadline passes or the
    /// process exits (or returns at once if one of these already happened).
    private func park(until deadline: UInt64?) async {
        var timer: TimerService.Timer?
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let parked: Bool = state.withLock { s in
                guard s.exitReason == nil, s.queue.isEmpty else { return false }
                s.waitCount &+= 1
                s.waiter = Waiter(continuation: continuation, token: s.waitCount)
                if let deadline {
                    let token = s.waitCount
                    timer = TimerService.shared.schedule(at: deadline) { [weak self] in
                        self?.receiveTimedOut(token: token)
                    }
                }
                return true
            }
            if !parked { continuation.resume() }
        }
        if let timer { TimerService.shared.cancel(timer) }
    }

    /// Wakes the receive identified by `token` if it is still parked.
    private func receiveTimedOut(token: UInt64) {
        let continuation: UnsafeContinuation<Void, Never>? = state.withLock { s in
            guard let waiter = s.waiter, waiter.token == token else { return nil }
            s.waiter = nil
            return waiter.continuation
        }
        continuation?.resume()
    }
}
