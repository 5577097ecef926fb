import DequeModule
import Synchronization

/// A running process as its own body sees it: its pid, its mailbox, and the operations a
/// process performs (send, receive, link, monitor, spawn, exit).
///
/// The runtime creates one context per process and passes it to the body. Receive operations
/// belong to the process that owns the context: call them only from its body (the runtime
/// cannot enforce this; two tasks receiving from one mailbox would each see some messages).
/// Everything else is safe from any task.
///
/// Internally the context is the process control block: one lock guards the shared queue
/// senders append to, the parked receiver, links, monitors and the exit state, so delivering a
/// message is one lock and, when the receiver is parked, one continuation resume. A parked
/// receiver costs no thread. The receiver moves the whole shared queue into its private
/// ``inbox`` with one lock and then takes messages without locking, so a sender and a busy
/// receiver rarely contend.
public final class ProcessContext: @unchecked Sendable {
    /// The process's identifier.
    public let pid: Pid
    /// The runtime (the local node) the process runs on.
    public let runtime: ProcessRuntime
    let state: Mutex<ProcessState>
    /// Messages moved out of the shared queue and not yet received, oldest first. Only the
    /// owner's receive operations (and `demonitor(_:flush:)`) touch it: that is the invariant
    /// behind `@unchecked Sendable`.
    var inbox: Deque<any Sendable> = []
    /// `inbox.count`, for readers on other threads.
    let inboxCount = Atomic<Int>(0)
    /// Set once the process has exited, so the receive fast path can check without the lock.
    let hasExited = Atomic<Bool>(false)

    /// The process's body.
    let body: @Sendable (ProcessContext) async throws -> Void
    /// Whether an abnormal exit of the process's own making is logged as a crash report
    /// (`false` with ``SpawnOptions/noCrashReport``, which ``ProcessRuntime/withProcess(_:_:)``
    /// uses: it hands the error to its caller).
    let reportsCrashes: Bool

    init(
        pid: Pid, runtime: ProcessRuntime, reportsCrashes: Bool,
        body: @escaping @Sendable (ProcessContext) async throws -> Void
    ) {
        self.pid = pid
        self.runtime = runtime
        self.reportsCrashes = reportsCrashes
        self.body = body
        self.state = Mutex(ProcessState())
    }

    /// The node the process runs on.
    public var node: Node { pid.node }

    /// Whether the process has not exited yet.
    public var isAlive: Bool { state.withLock { $0.exitReason == nil } }

    /// Delivers `message` to this mailbox; a dead process drops it (as Erlang does). With an
    /// `alias`, the message is delivered only while that alias is active. A parked receive is
    /// resumed and looks at the new message itself.
    func deliver(_ message: any Sendable, viaAlias alias: Ref? = nil) {
        let parked: UnsafeContinuation<Void, Never>? = state.withLock { s in
            guard s.exitReason == nil else { return nil }
            if let alias, !s.aliases.contains(alias) { return nil }
            s.queue.append(message)
            s.mailboxHighWater = max(s.mailboxHighWater, s.queue.count + inboxCount.load(ordering: .relaxed))
            defer { s.waiter = nil }
            return s.waiter?.continuation
        }
        parked?.resume()
    }

    /// The mailbox's high-water mark since the previous call; the mark restarts from the
    /// mailbox's length now.
    func takeMailboxHighWater() -> Int {
        let inboxLength = inboxCount.load(ordering: .relaxed)
        return state.withLock { s in
            let length = s.queue.count + inboxLength
            defer { s.mailboxHighWater = length }
            return max(s.mailboxHighWater, length)
        }
    }

    /// Ends the process with `reason` unless it already ended: wakes a parked receive,
    /// cancels the body's task, and lets the runtime notify links and monitors and free the
    /// name. `byItself` marks an end the process made (its body threw, or it called
    /// ``exit(_:)``), as opposed to a signal that ended it: only those are crash reports.
    /// Returns whether this call ended it.
    @discardableResult
    func terminate(_ reason: ExitReason, byItself: Bool = false) -> Bool {
        let taken: ProcessState.Remains? = state.withLock { s in
            guard s.exitReason == nil else { return nil }
            s.exitReason = reason
            return s.takeRemains()
        }
        guard let taken else { return false }
        hasExited.store(true, ordering: .releasing)
        taken.waiter?.continuation.resume()
        taken.task?.cancel()
        runtime.processExited(self, reason: reason, remains: taken, byItself: byItself)
        return true
    }

    /// Marks the process so that its exit is reported to the runtime's ``RemoteRouter``;
    /// `false` if it has already exited.
    func reportExitToRouter() -> Bool {
        state.withLock { s in
            guard s.exitReason == nil else { return false }
            s.routerWatchesExit = true
            return true
        }
    }

    /// Records the body's task so a kill can cancel it (waking `Task.sleep` and other
    /// cancellable waits).
    func attach(_ task: Task<Void, Never>) {
        let exited = state.withLock { s in
            if s.exitReason == nil { s.task = task }
            return s.exitReason != nil
        }
        if exited { task.cancel() }
    }

    /// Throws ``ProcessError/exiting(_:)`` if the process has exited.
    func checkAlive() throws(ProcessError) {
        if let reason = state.withLock({ $0.exitReason }) { throw .exiting(reason) }
    }
}

/// A receive parked on an empty mailbox. Whoever resumes it (a sender, the timer, an exit)
/// only wakes it: the receive then looks at the mailbox, the exit state and its deadline.
struct Waiter {
    let continuation: UnsafeContinuation<Void, Never>
    /// Identifies this wait, so a late timer does not wake a later one.
    let token: UInt64
}

/// Everything about a process that the lock in ``ProcessContext`` guards.
struct ProcessState {
    var queue: Deque<any Sendable> = []
    /// The longest the mailbox (queue and inbox) has been since the runtime last took the
    /// mark (``ProcessContext/takeMailboxHighWater()``).
    var mailboxHighWater = 0
    var waiter: Waiter?
    var waitCount: UInt64 = 0
    /// `nil` while alive.
    var exitReason: ExitReason?
    var trapExit = false
    var links: Set<Pid> = []
    /// Monitors other processes hold on this one: reference → watcher.
    var monitoredBy: [Ref: Pid] = [:]
    /// Monitors this process holds on others: reference → target.
    var monitoring: [Ref: Pid] = [:]
    var registeredName: String?
    /// Whether the runtime's ``RemoteRouter`` keeps state for this process that ends with it
    /// (node monitors): see ``ProcessRuntime/reportExitToRouter(of:)``.
    var routerWatchesExit = false
    /// Active aliases (usually none or one: the tag of a pending call).
    var aliases: [Ref] = []
    var task: Task<Void, Never>?

    /// What a dying process leaves for the runtime to clean up and notify.
    struct Remains {
        var waiter: Waiter?
        var task: Task<Void, Never>?
        var links: Set<Pid>
        var monitoredBy: [Ref: Pid]
        var monitoring: [Ref: Pid]
        var registeredName: String?
        var routerWatchesExit: Bool
    }

    mutating func takeRemains() -> Remains {
        defer {
            waiter = nil
            task = nil
            links = []
            monitoredBy = [:]
            monitoring = [:]
            registeredName = nil
            aliases = []
            queue = []
        }
        return Remains(
            waiter: waiter, task: task, links: links, monitoredBy: monitoredBy, monitoring: monitoring,
            registeredName: registeredName, routerWatchesExit: routerWatchesExit)
    }
}
