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
        try await receive(deadline: nil, takesAnyMessage: true) { $0 }!
    }

    /// Waits up to `timeout` for the next message; returns `nil` if none came in time
    /// (Erlang's `receive ... after`). A zero timeout only looks at the mailbox.
    public func receive(timeout: Duration) async throws(ProcessError) -> (any Sendable)? {
        try await receive(deadline: MonotonicClock.deadline(after: timeout), takesAnyMessage: true) { $0 }
    }

    /// Waits for the first message of type `T` (that also satisfies `predicate`, if given).
    public func receive<T: Sendable>(
        _ type: T.Type, where predicate: (T) -> Bool = { _ in true }
    ) async throws(ProcessError) -> T {
        try await receive(deadline: nil, takesAnyMessage: false) { ($0 as? T).flatMap { predicate($0) ? $0 : nil } }!
    }

    /// Waits up to `timeout` for the first message of type `T` satisfying `predicate`;
    /// returns `nil` if none came in time.
    public func receive<T: Sendable>(
        _ type: T.Type, timeout: Duration, where predicate: (T) -> Bool = { _ in true }
    ) async throws(ProcessError) -> T? {
        try await receive(deadline: MonotonicClock.deadline(after: timeout), takesAnyMessage: false) {
            ($0 as? T).flatMap { predicate($0) ? $0 : nil }
        }
    }

    /// Waits for the first message satisfying `predicate`.
    public func receive(where predicate: (any Sendable) -> Bool) async throws(ProcessError) -> any Sendable {
        try await receive(deadline: nil, takesAnyMessage: false) { predicate($0) ? $0 : nil }!
    }

    /// Waits up to `timeout` for the first message satisfying `predicate`; returns `nil` if
    /// none came in time.
    public func receive(
        timeout: Duration, where predicate: (any Sendable) -> Bool
    ) async throws(ProcessError) -> (any Sendable)? {
        try await receive(deadline: MonotonicClock.deadline(after: timeout), takesAnyMessage: false) {
            predicate($0) ? $0 : nil
        }
    }

    /// The number of messages waiting in the mailbox.
    public var mailboxCount: Int { state.withLock { $0.queue.count } }

    /// The receive loop: scan the messages not yet scanned, park until new ones arrive, the
    /// deadline passes or the process exits. `extract` returns the value to deliver for a
    /// matching message, `nil` for one to leave queued.
    func receive<T>(
        deadline: UInt64?, takesAnyMessage: Bool, extract: (any Sendable) -> T?
    ) async throws(ProcessError) -> T? {
        var scanned = 0
        while true {
            let found: ScanResult<T> = state.withLock { s in
                if let reason = s.exitReason { return .exited(reason) }
                while scanned < s.queue.count {
                    if let value = extract(s.queue[scanned]) {
                        s.queue.remove(at: scanned)
                        return .found(value)
                    }
                    scanned += 1
                }
                return .notFound
            }
            switch found {
            case .found(let value): return value
            case .exited(let reason): throw .exiting(reason)
            case .notFound: break
            }
            if let deadline, deadline <= MonotonicClock.now() { return nil }

            var timer: TimerService.Timer?
            let wakeup: Wakeup = await withUnsafeContinuation { continuation in
                let immediate: Wakeup? = state.withLock { s in
                    if let reason = s.exitReason { return .exited(reason) }
                    if s.queue.count > scanned { return .rescan }
                    s.waitCount &+= 1
                    s.waiter = Waiter(continuation: continuation, takesAnyMessage: takesAnyMessage, token: s.waitCount)
                    if let deadline {
                        let token = s.waitCount
                        timer = TimerService.shared.schedule(at: deadline) { [weak self] in
                            self?.receiveTimedOut(token: token)
                        }
                    }
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
            if let timer { TimerService.shared.cancel(timer) }
            switch wakeup {
            case .message(let message): return extract(message)
            case .rescan: continue
            case .timedOut: return nil
            case .exited(let reason): throw .exiting(reason)
            }
        }
    }

    /// Wakes the receive identified by `token` if it is still parked.
    private func receiveTimedOut(token: UInt64) {
        let continuation: UnsafeContinuation<Wakeup, Never>? = state.withLock { s in
            guard let waiter = s.waiter, waiter.token == token else { return nil }
            s.waiter = nil
            return waiter.continuation
        }
        continuation?.resume(returning: .timedOut)
    }
}

private enum ScanResult<T> {
    case found(T)
    case notFound
    case exited(ExitReason)
}
