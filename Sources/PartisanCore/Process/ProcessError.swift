/// Errors the process runtime throws; each case is one of Erlang's failures with a clear
/// message. Payloads are `indirect` so the error stays one word in every async frame that
/// may throw it.
public enum ProcessError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The calling process is exiting (it was killed, or got an exit signal it does not trap).
    /// A process body should let this error propagate; the runtime already knows the reason.
    case exiting(ExitReason)
    /// The target process does not exist (Erlang's `noproc`), e.g. `link` to a dead pid by a
    /// process that does not trap exits.
    indirect case noproc(Pid)
    /// No process is registered under the name (Erlang's `badarg` from `Name ! Msg`).
    indirect case unregisteredName(String)
    /// The name is already registered to another process (`register/2`'s `badarg`).
    indirect case nameTaken(String, by: Pid)
    /// The process already has a registered name (`register/2`'s `badarg`).
    indirect case alreadyRegistered(Pid, as: String)
    /// The name is not valid: empty, or containing `:` or whitespace.
    indirect case invalidName(String)
    /// The operation only works for processes on this node (e.g. `register` of a remote pid).
    indirect case notLocal(Pid)

    public var description: String {
        switch self {
        case .exiting(let reason): "the calling process is exiting with reason \(reason)"
        case .noproc(let pid): "no such process: \(pid)"
        case .unregisteredName(let name): "no process is registered as \"\(name)\""
        case .nameTaken(let name, let pid): "the name \"\(name)\" is already registered to \(pid)"
        case .alreadyRegistered(let pid, let name): "\(pid) is already registered as \"\(name)\""
        case .invalidName(let name): "invalid process name \"\(name)\": empty, or contains ':' or whitespace"
        case .notLocal(let pid): "\(pid) is not a process of this node"
        }
    }
}
