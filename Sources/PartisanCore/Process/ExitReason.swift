/// Why a process exited, or the reason an exit signal carries: Erlang's exit reasons.
///
/// The cases with payloads are `indirect`: an exit reason is copied into every waiting
/// process's frames, so it is kept to one word.
///
/// Links and `trapExit` follow Erlang's rules on these values: `.normal` does not kill a
/// linked process, `.kill` sent with `exit(_:_:)` cannot be trapped and makes its target exit
/// with `.killed`, and any other reason kills a linked process that does not trap exits.
public enum ExitReason: Hashable, Sendable, CustomStringConvertible {
    /// The process finished: its body returned.
    case normal
    /// The untrappable kill sent by `exit(pid, .kill)`. A process never exits with `.kill`
    /// because of it: it exits with `.killed`.
    case kill
    /// The process was killed by an untrappable `.kill` signal.
    case killed
    /// An orderly shutdown, used by supervisors: Erlang's `shutdown`.
    case shutdown
    /// An orderly shutdown with details: Erlang's `{shutdown, Term}`. Like `.shutdown`, it is
    /// not an error for restart strategies.
    indirect case shutdownWith(Term)
    /// The process did not exist (monitors and links to dead or unknown pids).
    case noproc
    /// The connection to the process's node was lost.
    case noconnection
    /// The process's body threw an error: an abnormal exit carrying the error.
    indirect case crashed(ProcessCrash)
    /// Any other reason, as an Erlang term (for reasons from other nodes and custom reasons).
    indirect case other(Term)

    /// The reason a body that threw `error` ends with: the signal's reason if the error is
    /// ``ProcessError/exiting(_:)`` (the process was ended while running), a crash otherwise.
    init(endingWith error: any Error) {
        if case .exiting(let reason) = error as? ProcessError {
            self = reason
        } else {
            self = .crashed(ProcessCrash(error))
        }
    }

    /// Whether a linked process that does not trap exits survives this reason (only
    /// `.normal`).
    public var isNormal: Bool { self == .normal }

    /// Whether the reason is `.normal`, `.shutdown` or `.shutdownWith`: the reasons after which
    /// a `transient` child is not restarted and that supervisors do not report as errors.
    public var isOrderly: Bool {
        switch self {
        case .normal, .shutdown, .shutdownWith: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .normal: "normal"
        case .kill: "kill"
        case .killed: "killed"
        case .shutdown: "shutdown"
        case .shutdownWith(let term): "{shutdown, \(term)}"
        case .noproc: "noproc"
        case .noconnection: "noconnection"
        case .crashed(let crash): crash.description
        case .other(let term): "\(term)"
        }
    }
}
