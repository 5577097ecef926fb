/// What a call made with ``RPC`` returned: the value, or Erlang's `{badrpc, Reason}`.
public enum RPCResult<Value: Sendable>: Sendable {
    /// The function's result.
    case value(Value)
    /// The call failed (Erlang's `{badrpc, Reason}`).
    case badRPC(RPCError)

    /// The value, or the failure thrown.
    public func get() throws(RPCError) -> Value {
        switch self {
        case .value(let value): return value
        case .badRPC(let error): throw error
        }
    }
}

extension RPCResult: Equatable where Value: Equatable {}
extension RPCResult: Hashable where Value: Hashable {}
