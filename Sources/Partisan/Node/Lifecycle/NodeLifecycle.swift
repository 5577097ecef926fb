import Synchronization

/// A node's phase, its top-level processes in start order, and the one shutdown every caller
/// of ``PartisanNode/shutdown()`` and ``PartisanNode/kill()`` shares.
final class NodeLifecycle: Sendable {
    /// A process started from the node facade, stopped in reverse start order by a graceful
    /// shutdown.
    struct TopLevel: Sendable {
        let pid: Pid
        /// Whether it is a behaviour (GenServer, GenStatem, supervisor), stopped with a stop
        /// request so that its `terminate` runs; a plain process gets an exit signal.
        let isBehaviour: Bool
    }

    private struct State: Sendable {
        var phase: PartisanNode.Phase = .running
        var topLevel: [TopLevel] = []
        /// The length of ``topLevel`` at which dead entries are dropped.
        var pruneAt = 64
        /// The graceful shutdown, once begun.
        var shutdown: Task<Void, Never>?
        /// Set by ``NodeLifecycle/kill(_:)``.
        var killed = false
        /// Who waits for the node to stop.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// The node's phase.
    var phase: PartisanNode.Phase { state.withLock { $0.phase } }

    /// Whether the node still takes new work.
    var isRunning: Bool { state.withLock { $0.phase == .running } }

    /// Records a process started from the node facade; while the node is stopping it is
    /// still recorded, and the shutdown under way stops it too. Now and then the processes
    /// for which `isAlive` fails are forgotten, so the list stays bounded by the live ones.
    func record(_ pid: Pid, isBehaviour: Bool, isAlive: (Pid) -> Bool) {
        state.withLock { s in
            guard s.phase != .stopped else { return }
            if s.topLevel.count >= s.pruneAt {
                s.topLevel.removeAll { !isAlive($0.pid) }
                s.pruneAt = max(64, s.topLevel.count * 2)
            }
            s.topLevel.append(TopLevel(pid: pid, isBehaviour: isBehaviour))
        }
    }

    /// Removes and returns the youngest top-level process, if any.
    func popYoungest() -> TopLevel? { state.withLock { $0.topLevel.popLast() } }

    /// Starts `body` as the node's graceful shutdown unless one has begun (or the node was
    /// killed); returns the task to wait for.
    func beginShutdown(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        state.withLock { s in
            if let running = s.shutdown { return running }
            // Killed or stopped: nothing is left to shut down.
            if s.killed || s.phase == .stopped { return Task {} }
            if s.phase == .running { s.phase = .stopping }
            let task = Task { await body() }
            s.shutdown = task
            return task
        }
    }

    /// Marks the node killed and returns the graceful shutdown under way, if any (the caller
    /// cancels it); returns whether this was the first kill.
    func markKilled() -> (first: Bool, shutdown: Task<Void, Never>?) {
        state.withLock { s in
            let first = !s.killed
            s.killed = true
            if s.phase == .running { s.phase = .stopping }
            return (first, s.shutdown)
        }
    }

    /// Whether ``markKilled()`` was called.
    var isKilled: Bool { state.withLock { $0.killed } }

    /// Marks the node stopped and wakes everyone waiting for it.
    func markStopped() {
        let waiters = state.withLock { s in
            s.phase = .stopped
            s.topLevel = []
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the node has stopped (at once if it has).
    func waitUntilStopped() async {
        await withCheckedContinuation { continuation in
            let stopped = state.withLock { s in
                if s.phase == .stopped { return true }
                s.waiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }
}
