/// Something a supervisor did to or saw of its children, reported to the observer given at
/// start (``SupervisorOptions/observer``), so tests and metrics can follow restarts without
/// polling.
///
/// Every restart also writes a log line on the runtime's logger (`notice` for a restart,
/// `error` for a shutdown error or when the restart intensity is reached).
public struct SupervisorEvent: Sendable, Hashable, CustomStringConvertible {
    /// The supervisor that reports.
    public let supervisor: Pid
    /// What happened.
    public let kind: Kind

    /// What happened to a child.
    public enum Kind: Sendable, Hashable {
        /// The child exited on its own (not stopped by the supervisor) with `reason`; a
        /// restart (or the decision not to) follows.
        case childExited(id: String, pid: Pid, reason: ExitReason)
        /// The child was started again by the restart strategy: `pid` is the replacement, `nil`
        /// if its start function chose to be ignored.
        case childRestarted(id: String, pid: Pid?)
        /// A restart's start function failed; the restart is tried again (and counted).
        case restartFailed(id: String, reason: ExitReason)
        /// The supervisor stopped the child (a sibling's restart, ``SupervisorRef/terminateChild(_:)``
        /// or its own shutdown) and it exited with the expected reason.
        case childShutDown(id: String, pid: Pid)
        /// While being stopped, the child exited with an unexpected reason (for example it
        /// crashed in its cleanup, or had to be killed after its shutdown timeout).
        case shutdownError(id: String, pid: Pid, reason: ExitReason)
        /// More than `intensity` restarts within `period`: the supervisor stops its children
        /// and exits with `shutdown`.
        case intensityReached(restarts: Int)
    }

    public var description: String { "\(supervisor): \(kind)" }
}
