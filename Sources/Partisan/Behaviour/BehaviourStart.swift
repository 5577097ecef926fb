/// Starting a behaviour process synchronously: the starter waits until the new process has
/// initialised and acknowledged, as Erlang's `proc_lib:start_link/3` and `init_ack/1` do.
///
/// The new process gets an ``InitAcknowledger`` and must call it exactly once. When it reports
/// a failure it first unlinks from its parent, so a linked start returns the error instead of
/// killing a starter that does not trap exits (a deliberate difference from OTP, where the
/// failing process's exit signal reaches the linked caller).
public enum StartLinkage: Sendable, Hashable {
    /// Not linked (`start`).
    case unlinked
    /// Linked to the starter (`start_link`): the starter is the new process's parent.
    case linked
    /// Monitored by the starter (`start_monitor`).
    case monitored
}

/// How a starting process reports the end of its initialisation.
public enum InitAck: Sendable, Hashable {
    /// Initialised: the start succeeds.
    case started
    /// Chose not to run (`ignore`).
    case ignored
    /// Another process holds the name it was to register under.
    case alreadyStarted(Pid)
    /// Failed with this reason.
    case failed(ExitReason)
}

/// The one-shot channel through which a starting process acknowledges its start.
public struct InitAcknowledger: Sendable {
    let alias: Alias
    /// The starter, when the start was linked.
    public let parent: Pid?

    /// Reports `ack` to the starter. A failure first gives up the name the process registered
    /// (so a start retried at once finds it free, as OTP's `gen` unregisters before it
    /// reports) and unlinks the parent (see ``StartLinkage``).
    public func callAsFunction(_ ack: InitAck, from process: ProcessContext) {
        if ack != .started { process.unregisterOwnName() }
        if ack != .started, let parent { process.unlink(parent) }
        process.send(InitAckMessage(tag: alias.ref, ack: ack), to: alias)
    }
}

struct InitAckMessage: Sendable {
    let tag: Ref
    let ack: InitAck
}

/// A started behaviour process: its pid and, for a monitored start, the monitor.
public struct StartedProcess: Sendable, Hashable {
    /// The new process.
    public let pid: Pid
    /// The starter's monitor on it, for a ``StartLinkage/monitored`` start.
    public let monitor: Ref?
}

extension ProcessContext {
    /// Spawns `body` with `linkage` and waits until it acknowledges; returns the started
    /// process, or throws the reported failure (``InitAck``) as
    /// ``BehaviourStartFailure``. If the process dies before acknowledging, the failure
    /// carries its exit reason.
    public func startBehaviour(
        _ linkage: StartLinkage, options: SpawnOptions = [],
        _ body: @escaping @Sendable (ProcessContext, InitAcknowledger) async throws -> Void
    ) async throws(BehaviourStartFailure) -> StartedProcess {
        let alias = makeAlias()
        defer { unalias(alias) }
        let acknowledger = InitAcknowledger(alias: alias, parent: linkage == .linked ? pid : nil)
        let child: Pid
        let watch: Ref
        do {
            switch linkage {
            case .linked:
                child = try spawnLink(options) { try await body($0, acknowledger) }
                watch = monitor(child)
            case .monitored:
                (child, watch) = spawnMonitor(options) { try await body($0, acknowledger) }
            case .unlinked:
                child = spawn(options) { try await body($0, acknowledger) }
                watch = monitor(child)
            }
        } catch {
            throw BehaviourStartFailure(ack: .failed(.noproc), callerExiting: error)
        }
        let answer: any Sendable
        do {
            answer = try await receive { message in
                (message as? InitAckMessage)?.tag == alias.ref || (message as? DownMessage)?.ref == watch
            }
        } catch {
            throw BehaviourStartFailure(ack: .failed(.noproc), callerExiting: error)
        }
        let ack: InitAck
        if let message = answer as? InitAckMessage {
            ack = message.ack
        } else {
            ack = .failed((answer as! DownMessage).reason)
        }
        if ack == .started {
            if linkage != .monitored { demonitor(watch, flush: true) }
            return StartedProcess(pid: child, monitor: linkage == .monitored ? watch : nil)
        }
        // The child unlinked before reporting; drop what its exit may still leave us.
        demonitor(watch, flush: true)
        if linkage == .linked {
            unlink(child)
            _ = try? await receive(ExitMessage.self, timeout: .zero) { $0.from == child }
        }
        throw BehaviourStartFailure(ack: ack, callerExiting: nil)
    }
}

/// A behaviour process that did not start: what it reported (or how it died).
public struct BehaviourStartFailure: Error, Sendable {
    /// The acknowledgement that ended the start (never `.started`).
    public let ack: InitAck
    /// Set when the starter itself was ended while waiting.
    public let callerExiting: ProcessError?
}

extension InitAcknowledger {
    /// Reports that `initialize` threw `error` and ends the process with the crash. A
    /// ``ProcessError/exiting(_:)`` (the process was ended meanwhile) is rethrown as it is.
    @usableFromInline
    func failInitialization(_ error: any Error, process: ProcessContext) throws -> Never {
        if let error = error as? ProcessError { throw error }
        let reason = ExitReason.crashed(ProcessCrash(error))
        self(.failed(reason), from: process)
        try process.exit(reason)
    }

    /// Registers the starting `process` as `name` (if given); when the name is taken or
    /// invalid, reports the failure to the starter and ends the process `normal`.
    @usableFromInline
    func register(_ name: String?, process: ProcessContext) throws(ProcessError) {
        guard let name else { return }
        do {
            try process.runtime.register(name, process.pid)
        } catch {
            if case .nameTaken(_, let holder) = error {
                self(.alreadyStarted(holder), from: process)
            } else {
                self(.failed(.crashed(ProcessCrash(error))), from: process)
            }
            try process.exit(.normal)
        }
    }
}
