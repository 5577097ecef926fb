/// Remote function calls from and to a node.
extension PartisanNode {
    /// Calls functions on other nodes with `erpc` semantics (thrown ``RPCError``s).
    public var erpc: ERPC { ERPC(node: self) }

    /// Calls functions on other nodes in the shape of the older `rpc` (``RPCResult``s).
    public var rpc: RPC { RPC(node: self) }

    /// ``erpc`` with requests and answers on `channel` (Partisan's `{channel, C}` option),
    /// to keep RPC traffic off the data channel.
    public func erpc(channel: String) -> ERPC { ERPC(node: self, channel: channel) }

    /// Exposes `function` to other nodes; see ``RPCService/register(_:handler:)``.
    public func registerFunction<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>,
        handler: @escaping @Sendable (Arguments) async throws -> Result
    ) {
        rpcService.register(function, handler: handler)
    }
}
