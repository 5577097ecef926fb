/// The answer of ``RPC/multiCall(_:on:_:timeout:)``: Erlang's `{ResL, BadNodes}`.
public struct RPCMultiCallResult<Value: Sendable>: Sendable {
    /// The results of the nodes that answered, in the order of the nodes asked; a function
    /// that failed on a node gives a ``RPCResult/badRPC(_:)`` here.
    public var results: [RPCResult<Value>]
    /// The nodes that did not answer: not connected, lost during the call, or timed out.
    public var badNodes: [Node]
}
