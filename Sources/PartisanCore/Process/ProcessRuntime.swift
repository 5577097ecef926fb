import CoreMetrics
import Logging
import Synchronization

/// The process runtime of one node: its process table, registry, references and the rules
/// for signals between processes.
///
/// A runtime is an object, not a global: several can live in one OS process (tests start
/// many nodes side by side). Everything here is safe to call from any task or thread.
/// Processes run as Swift tasks; a process waiting in `receive` holds no thread.
public final class ProcessRuntime: Sendable {
    /// The node's name.
    public let node: Node
    /// This incarnation of the node; pids and references carry it, so those of an earlier
    /// incarnation with the same name never alias this one's.
    public let creation: UInt32
    /// Where messages and signals for other nodes go; `nil` until a distribution layer is
    /// attached.
    package var remoteRouter: (any RemoteRouter)? {
        get { router.withLock { $0 } }
        set { router.withLock { $0 = newValue } }
    }
    /// The logger the runtime reports crashes on.
    public let logger: Logger
    /// Whether a process that ends itself abnormally is logged on ``logger`` at `.error`, with
    /// its pid, reason and registered name: Erlang's crash report (SASL's `CRASH REPORT`).
    /// `true` by default; set it to `false` to quiet them.
    ///
    /// A process ends itself when its body throws (reason `.crashed`) or it calls
    /// ``ProcessContext/exit(_:)`` (a behaviour stopping with a reason does); reasons
    /// `.normal`, `.shutdown` and `.shutdownWith` are never reported. A process ended by a
    /// signal (killed, or the exit of a linked process) is not reported: the process whose
    /// crash sent the signal is. ``withProcess(_:_:)`` does not report either: its caller gets
    /// the error. A process spawned with ``SpawnOptions/noCrashReport`` is never reported.
    public var crashReports: Bool {
        get { crashReportsEnabled.load(ordering: .relaxed) }
        set { crashReportsEnabled.store(newValue, ordering: .relaxed) }
    }
    /// The executor processes run on (their tasks' executor preference); `nil` runs them on
    /// Swift's global concurrent executor.
    public let executor: (any TaskExecutor)?

    /// Where the node's metrics go (see ``MetricName``): the factory given at start, or the
    /// one bootstrapped with swift-metrics' `MetricsSystem` then.
    package let metricsFactory: any MetricsFactory
    /// The timers of this node's `GenServer` calls (see ``MetricName/callDuration``).
    package let callMetrics: CallMetrics

    /// The pseudo-process that stands for the node itself as the sender of signals made
    /// outside any process (`<0.0.0>`).
    public var systemPid: Pid { Pid(node: node, id: 0, serial: 0, creation: creation) }

    let table = ProcessTable()
    let names = Mutex<[String: ProcessContext]>([:])
    private let router = Mutex<(any RemoteRouter)?>(nil)
    private let processCounter = Atomic<UInt64>(1)
    private let refCounter = Atomic<UInt64>(1)
    private let refSalt: UInt32
    private let crashReportsEnabled = Atomic<Bool>(true)
    /// Set by ``halt()``: every process started from then on is killed at birth.
    private let halting = Atomic<Bool>(false)

    /// Creates the runtime of node `node`. `creation` defaults to a random non-zero value;
    /// processes run on `executor` (by default Swift's global executor, or the shared
    /// ``ProcessScheduler`` when `PARTISAN_SCHEDULER=partisan`; see
    /// ``ProcessScheduler/defaultForRuntimes``); metrics go to `metrics`, by default the
    /// factory bootstrapped with swift-metrics' `MetricsSystem`.
    public init(
        node: Node, creation: UInt32? = nil, logger: Logger? = nil,
        executor: (any TaskExecutor)? = ProcessScheduler.defaultForRuntimes, metrics: (any MetricsFactory)? = nil
    ) {
        self.node = node
        self.executor = executor
        self.creation = creation ?? UInt32.random(in: 1...UInt32.max)
        self.refSalt = UInt32.random(in: 0...UInt32.max)
        self.logger = logger ?? Logger(label: "partisan.\(node.name)")
        self.metricsFactory = metrics ?? MetricsSystem.factory
        self.callMetrics = CallMetrics(node: node, factory: metricsFactory)
    }

    // MARK: Identities

    /// A new reference, unique on this node across incarnations: Erlang's `make_ref()`.
    public func makeRef() -> Ref {
        let n = refCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        return Ref(
            node: node, creation: creation,
            words: (UInt32(n & 0x3_FFFF), UInt32(truncatingIfNeeded: n >> 18), refSalt))
    }

    private func nextPid() -> (Pid, serial: UInt64) {
        let n = processCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        // Erlang keeps 28 bits of a pid's number in `id` and the rest in `serial`.
        let pid = Pid(
            node: node, id: UInt32(n & 0x0FFF_FFFF), serial: UInt32(truncatingIfNeeded: n >> 28),
            creation: creation)
        return (pid, n)
    }

    /// The local process table key of `pid`, or `nil` if `pid` is not of this incarnation.
    func localSerial(_ pid: Pid) -> UInt64? {
        guard pid.creation == creation, pid.node == node else { return nil }
        return UInt64(pid.serial) << 28 | UInt64(pid.id)
    }

    /// The live local process `pid`, if any.
    func process(_ pid: Pid) -> ProcessContext? {
        localSerial(pid).flatMap { table.lookup(serial: $0) }
    }

    /// The longest mailbox any live process had since the previous call (messages); each
    /// process's mark restarts from its mailbox's length now. For the metric
    /// ``MetricName/mailboxHighWater``.
    package func takeMailboxHighWater() -> Int {
        table.all.reduce(0) { highest, process in max(highest, process.takeMailboxHighWater()) }
    }

    /// Whether `pid` belongs to another node (not to any incarnation of this one).
    func isRemote(_ pid: Pid) -> Bool { pid.node != node }

    // MARK: Spawning

    /// Starts a process running `body` and returns its pid at once.
    ///
    /// The process exits `.normal` when `body` returns, with `.crashed` carrying the error when
    /// it throws, and with the signal's reason when it is killed (then the error its pending
    /// `receive` throws is ignored). A crash is logged at `.error` (see ``crashReports``).
    @discardableResult
    public func spawn(
        _ options: SpawnOptions = [], _ body: @escaping @Sendable (ProcessContext) async throws -> Void
    ) -> Pid {
        start(options, body).pid
    }

    /// Creates, registers in the table and starts a process. `prepare` runs before the body
    /// can run, for `spawn_link` and `spawn_monitor` to set up their link or monitor
    /// atomically.
    func start(
        _ options: SpawnOptions, prepare: (ProcessContext) -> Void = { _ in },
        _ body: @escaping @Sendable (ProcessContext) async throws -> Void
    ) -> ProcessContext {
        let (pid, serial) = nextPid()
        let process = ProcessContext(
            pid: pid, runtime: self, reportsCrashes: !options.contains(.noCrashReport), body: body)
        if options.contains(.trapExit) { process.state.withLock { $0.trapExit = true } }
        prepare(process)
        table.insert(process, serial: serial)
        if halting.load(ordering: .relaxed) {
            // A supervisor restarting a child during ``halt()``: the child dies at once.
            process.terminate(.killed)
            return process
        }
        // The task's closure captures only the process (a single reference needs no closure
        // context allocation), and its frame stays small: it lives as long as the process.
        let run: @concurrent @Sendable () async -> Void = {
            do {
                try await ProcessContext.$current.withValue(process) { try await process.body(process) }
                process.terminate(.normal)
            } catch {
                // `exiting` means the process was already ended (by a signal or by `exit`).
                let interrupted = if case .exiting = error as? ProcessError { true } else { false }
                process.terminate(ExitReason(endingWith: error), byItself: !interrupted)
            }
        }
        // A task with an executor preference pays for it on every hop, so only ask for one
        // when there is an executor to prefer.
        if let executor {
            process.attach(Task(executorPreference: executor, operation: run))
        } else {
            process.attach(Task(operation: run))
        }
        return process
    }

    /// Kills every process of the node, youngest first, and from now on every process at
    /// its birth: Erlang's `halt/0`, as far as processes go. No `terminate` runs: a process
    /// that traps exits is killed before its parent's exit reaches it, and a supervisor that
    /// restarts a child killed first gets a child that is dead already.
    package func halt() {
        halting.store(true, ordering: .relaxed)
        for pid in processes.sorted(by: >) { exit(pid, .kill) }
    }

    // MARK: Sending

    /// Sends `message` to `pid` from outside any process (the sender is ``systemPid``). Never
    /// fails; messages to dead processes are dropped.
    public func send(_ message: any Sendable, to pid: Pid) {
        send(message, to: pid, from: systemPid)
    }

    func send(_ message: any Sendable, to pid: Pid, from sender: Pid) {
        if let process = process(pid) {
            process.deliver(message)
        } else if isRemote(pid) {
            route(.send(message, to: .pid(pid), options: .standard), from: sender)
        }
    }

    /// Sends `message` to `pid` from outside any process, the way `options` say when `pid` is
    /// on another node (see ``DeliveryOptions``).
    public func send(_ message: any Sendable, to pid: Pid, options: DeliveryOptions) {
        send(message, to: pid, from: systemPid, options: options)
    }

    func send(_ message: any Sendable, to pid: Pid, from sender: Pid, options: DeliveryOptions) {
        if let process = process(pid) {
            process.deliver(message)
        } else if isRemote(pid) {
            route(.send(message, to: .pid(pid), options: options), from: sender)
        }
    }

    /// Sends `message` to the process registered as `name`; throws
    /// ``ProcessError/unregisteredName(_:)`` if there is none.
    public func send(_ message: any Sendable, to name: String) throws(ProcessError) {
        guard let process = names.withLock({ $0[name] }) else { throw .unregisteredName(name) }
        process.deliver(message)
    }

    /// Sends `message` to `name.name` on `name.node`: locally like
    /// ``send(_:to:)-(_,String)``, remotely through the distribution layer (never throws).
    public func send(_ message: any Sendable, to name: RegisteredName) throws(ProcessError) {
        try send(message, to: name, from: systemPid)
    }

    func send(_ message: any Sendable, to name: RegisteredName, from sender: Pid) throws(ProcessError) {
        if name.node == node { return try send(message, to: name.name) }
        route(.send(message, to: .name(name), options: .standard), from: sender)
    }

    /// Sends `message` to `name.name` on `name.node` from outside any process, the way
    /// `options` say when the node is another one; throws like
    /// ``send(_:to:)-(_,RegisteredName)`` for a local name.
    public func send(_ message: any Sendable, to name: RegisteredName, options: DeliveryOptions) throws(ProcessError) {
        try send(message, to: name, from: systemPid, options: options)
    }

    func send(
        _ message: any Sendable, to name: RegisteredName, from sender: Pid, options: DeliveryOptions
    ) throws(ProcessError) {
        if name.node == node { return try send(message, to: name.name) }
        route(.send(message, to: .name(name), options: options), from: sender)
    }

    // MARK: Signals

    /// Sends an exit signal to `target` from outside any process (see
    /// ``ProcessContext/exit(_:_:)`` for the rules).
    public func exit(_ target: Pid, _ reason: ExitReason) {
        sendExitSignal(to: target, from: systemPid, reason: reason, viaLink: false)
    }

    /// Routes an exit signal to a local or remote process.
    func sendExitSignal(to target: Pid, from sender: Pid, reason: ExitReason, viaLink: Bool) {
        if let process = process(target) {
            process.receiveExitSignal(from: sender, reason: reason, viaLink: viaLink)
        } else if isRemote(target) {
            route(.exit(to: target, reason: reason, viaLink: viaLink), from: sender)
        }
    }

    /// Delivers a `DOWN` to the watcher that holds the monitor, here or on another node.
    func deliverDown(_ down: DownMessage, to watcher: Pid) {
        if let process = process(watcher) {
            process.receiveDown(down)
        } else if isRemote(watcher) {
            route(.down(down, watcher: watcher), from: down.pid)
        }
    }

    /// Links `pid` (local) to `other`; returns why it failed, if it did.
    func addLink(from pid: Pid, to other: Pid) -> ExitReason? {
        if let process = process(other) { return process.acceptLink(from: pid) ? nil : .noproc }
        guard isRemote(other) else { return .noproc }
        return route(.link(to: other), from: pid) == .sent ? nil : .noconnection
    }

    func removeLink(from pid: Pid, to other: Pid) {
        if let process = process(other) {
            process.dropLink(with: pid)
        } else if isRemote(other) {
            route(.unlink(from: other), from: pid)
        }
    }

    /// Sets up monitor `ref` by `watcher` on `target`; returns why it failed, if it did.
    func addMonitor(_ ref: Ref, watcher: Pid, target: Pid) -> ExitReason? {
        if let process = process(target) { return process.acceptMonitor(ref, watcher: watcher) ? nil : .noproc }
        guard isRemote(target) else { return .noproc }
        return route(.monitor(ref, target: target), from: watcher) == .sent ? nil : .noconnection
    }

    /// Removes monitor `ref` held by `watcher` (local) on `target`.
    func removeMonitor(_ ref: Ref, watcher: Pid, target: Pid) {
        if let process = process(target) {
            process.dropMonitor(ref)
        } else if isRemote(target) {
            route(.demonitor(ref, target: target), from: watcher)
        }
    }

    /// Hands `signal` from local `sender` to the distribution layer; `.noConnection` without
    /// one.
    @discardableResult
    func route(_ signal: RemoteSignal, from sender: Pid) -> RouteResult {
        remoteRouter?.route(signal, from: sender) ?? .noConnection
    }

    // MARK: Signals from other nodes

    /// Applies `signal` from `sender`, a process on another node, to the local process it
    /// names (the distribution layer calls this for every signal a peer sends). Returns
    /// `false` when that process does not exist: a link, monitor or call then gets `noproc` back.
    @discardableResult
    package func apply(_ signal: RemoteSignal, from sender: Pid) -> Bool {
        switch signal {
        case .send(let message, .pid(let pid), _):
            guard let process = process(pid) else { return false }
            process.deliver(message)
        case .send(let message, .name(let name), _):
            guard let process = names.withLock({ $0[name.name] }) else { return false }
            process.deliver(message)
        case .send(let message, .alias(let alias), _):
            guard let process = process(alias.pid) else { return false }
            process.deliver(message, viaAlias: alias.ref)
        case .exit(let to, let reason, let viaLink):
            guard let process = process(to) else { return false }
            process.receiveExitSignal(from: sender, reason: reason, viaLink: viaLink)
        case .link(let to):
            return process(to)?.acceptLink(from: sender) ?? false
        case .unlink(let from):
            process(from)?.dropLink(with: sender)
        case .monitor(let ref, let target):
            return process(target)?.acceptMonitor(ref, watcher: sender) ?? false
        case .demonitor(let ref, let target):
            process(target)?.dropMonitor(ref)
        case .down(let down, let watcher):
            guard let process = process(watcher) else { return false }
            process.receiveDown(down)
        case .call(let call, let server):
            guard let process = callee(server), process.acceptMonitor(call.from.ref, watcher: sender) else {
                return false
            }
            process.deliver(call)
        case .reply(let reply, let alias):
            guard let process = process(alias.pid) else { return false }
            process.receiveReply(reply, viaAlias: alias.ref, from: sender)
        }
        return true
    }

    /// The local process a call to `server` reaches: a pid's, or a registered name's.
    private func callee(_ server: RemoteSignal.Destination) -> ProcessContext? {
        switch server {
        case .pid(let pid): process(pid)
        case .name(let name): names.withLock { $0[name.name] }
        case .alias: nil
        }
    }

    /// Cleans up after a process ended: table, name, monitors it held, then tells linked
    /// processes and watchers, and the router if it asked (see ``reportExitToRouter(of:)``).
    /// An abnormal end the process made itself (`byItself`) is logged as a crash report
    /// first, as Erlang's `proc_lib` does: whoever sees the exit signal or the `DOWN` can
    /// rely on the report being written.
    func processExited(
        _ process: ProcessContext, reason: ExitReason, remains: ProcessState.Remains, byItself: Bool
    ) {
        if byItself, !reason.isOrderly, process.reportsCrashes, crashReports {
            var report: Logger.Metadata = ["pid": "\(process.pid)", "reason": "\(reason)"]
            if let name = remains.registeredName { report["registered_name"] = "\(name)" }
            logger.error("process crashed", metadata: report)
        }
        if let serial = localSerial(process.pid) { table.remove(serial: serial) }
        if let name = remains.registeredName {
            names.withLock { names in
                if names[name] === process { names[name] = nil }
            }
        }
        if remains.routerWatchesExit { remoteRouter?.localProcessExited(process.pid) }
        for (ref, target) in remains.monitoring { removeMonitor(ref, watcher: process.pid, target: target) }
        for linked in remains.links {
            sendExitSignal(to: linked, from: process.pid, reason: reason, viaLink: true)
        }
        for (ref, watcher) in remains.monitoredBy {
            deliverDown(DownMessage(ref: ref, pid: process.pid, reason: reason), to: watcher)
        }
    }

    /// Makes the runtime call ``RemoteRouter/localProcessExited(_:)`` when local process `pid`
    /// exits, for state the distribution layer keeps per process that must end with it (node
    /// monitors). Returns `false`, and calls nothing, when `pid` is not a live process of this
    /// node: the caller then drops that state itself.
    package func reportExitToRouter(of pid: Pid) -> Bool {
        process(pid)?.reportExitToRouter() ?? false
    }

    // MARK: Introspection

    /// The number of live processes.
    public var processCount: Int { table.count }

    /// The pids of all live processes.
    public var processes: [Pid] { table.all.map(\.pid) }

    /// Whether process `pid` of this node is alive: Erlang's `is_process_alive/1`, which
    /// answers only for local processes. The runtime knows nothing of other nodes: for a pid
    /// of another node this is `false`, whatever that node runs. `PartisanNode.isAlive(_:timeout:)`
    /// asks the pid's node.
    public func isAlive(_ pid: Pid) -> Bool { process(pid)?.isAlive ?? false }

    /// A snapshot of local process `pid`, or `nil` if it is not alive: Erlang's
    /// `process_info/1`.
    public func details(of pid: Pid) -> ProcessDetails? { process(pid)?.details }
}
