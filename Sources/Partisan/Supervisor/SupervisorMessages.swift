import Synchronization

/// The requests ``SupervisorRef`` and ``DynamicSupervisorRef`` send as GenServer calls.
enum SupervisorRequest: Sendable {
    case startChild(ChildSpec)
    case startDynamicChild(any Sendable)
    case terminateChild(String)
    case terminateDynamicChild(Pid)
    case restartChild(String)
    case deleteChild(String)
    case childSpec(String)
    case whichChildren
    case countChildren
}

/// A supervisor's answers.
enum SupervisorReply: Sendable {
    case started(Pid?)
    case done
    case failed(SupervisorError)
    case children([ChildInfo])
    case counts(ChildCounts)
    case spec(ChildSpec)
}

/// Sent by a supervisor to itself after a restart's start failed: try that restart again
/// after the messages already queued (OTP's `try_again_restart`).
struct SupervisorRetry: Sendable {
    enum Target: Sendable {
        case fixed(id: String)
        case dynamic(ChildSpec)
    }
    let supervisor: Pid
    let target: Target
}

/// Where a supervisor's `initialize` leaves the detailed reason it failed, for the starter to
/// throw (the exit reason alone carries the failing child only as a term).
final class SupervisorStartOutcome: Sendable {
    private let failure = Mutex<SupervisorStartError?>(nil)

    func fail(_ error: SupervisorStartError) { failure.withLock { $0 = error } }
    var error: SupervisorStartError? { failure.withLock { $0 } }
}
