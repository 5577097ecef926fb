/// Why a remote function call failed: Erlang's `erpc` error classes as cases to switch on.
///
/// ``ERPC`` throws these; ``RPC`` returns them inside ``RPCResult/badRPC(_:)``, as Erlang's
/// `rpc` returns `{badrpc, Reason}`.
public enum RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No answer within the timeout. The function may still run (or have run) on the remote
    /// node; its answer, if it comes later, is dropped.
    case timeout
    /// The remote node was not connected, or its connection was lost during the call.
    case noconnection
    /// The remote node has no function registered under this name (Erlang's `undef`).
    case undef(String)
    /// The arguments do not have the shape the function takes: they could not be encoded
    /// here, or not decoded as the function's argument type there. The string says why.
    case badArguments(String)
    /// The function threw: the remote error's type and description (Erlang's
    /// `{exception, Reason, Stack}`).
    case exception(type: String, message: String)
    /// The process running the function exited before it answered, with this reason (for
    /// example `.killed`): Erlang's `{signal, Reason}`.
    case exit(ExitReason)
    /// The remote node was already running its maximum number of calls
    /// (``RPCService/maxConcurrentCalls``), so it did not start this one.
    case overloaded
    /// The remote node is shutting down (`PartisanNode.shutdown()`), so it did not start this
    /// call.
    case shuttingDown
    /// The answer did not decode as the result type the caller expects (the string says why).
    case badResult(String)
    /// The calling process itself was ended during the call.
    case callerExiting(ExitReason)

    public var description: String {
        switch self {
        case .timeout: "the call timed out"
        case .noconnection: "the remote node is not connected"
        case .undef(let name): "no function named \(name) on the remote node"
        case .badArguments(let why): "bad arguments: \(why)"
        case .exception(let type, let message): "the function threw \(type): \(message)"
        case .exit(let reason): "the process running the function exited: \(reason)"
        case .overloaded: "the remote node is running its maximum number of calls"
        case .shuttingDown: "the remote node is shutting down"
        case .badResult(let why): "unexpected result: \(why)"
        case .callerExiting(let reason): "the calling process is exiting: \(reason)"
        }
    }
}
