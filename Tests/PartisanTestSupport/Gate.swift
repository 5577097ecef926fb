import Synchronization

/// A gate that tasks wait at until the test opens it (without blocking a thread), and that
/// counts how many are waiting: for holding functions or handlers mid-run.
public final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var arrivals = 0
    }

    private let state = Mutex(State())

    /// A closed gate.
    public init() {}

    /// Waits until the gate is open (returns at once if it is).
    public func wait() async {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { s in
                s.arrivals += 1
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
    }

    /// Opens the gate: every waiter, and every later one, goes on.
    public func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many tasks have come to the gate so far (waiting or let through).
    public var arrivals: Int { state.withLock { $0.arrivals } }
}
