/// Servers on other nodes, by name: `{Name, Node}` references, `gen_server:abcast/3` and
/// `gen_server:multi_call/4`.
extension PartisanNode {
    /// A reference to the server registered as `name` on `node`, called from this node
    /// (Erlang's `{Name, Node}`). Calls fail as local ones do, plus ``GenServerError/noconnection``
    /// when `node` is not connected or goes down during the call (from a monitor, not a
    /// timeout). A name that cannot be registered gives a reference whose calls fail with
    /// ``GenServerError/noproc``.
    public func genServer<Server: GenServer>(_ type: Server.Type, named name: String, on node: Node)
        -> GenServerRef<Server>
    {
        GenServerRef(address: address(of: name, on: node))
    }

    /// A reference to the state machine registered as `name` on `node`; see
    /// ``genServer(_:named:on:)``.
    public func genStatem<Machine: GenStatem>(_ type: Machine.Type, named name: String, on node: Node)
        -> GenStatemRef<Machine>
    {
        GenStatemRef(address: address(of: name, on: node))
    }

    /// Casts `request` to the server registered as `name` on `node`, on the channel and
    /// connection `options` pick: Partisan's `cast_message/4`. Never fails; a node without the
    /// name, or not connected, drops it. From inside a process the cast goes from that process
    /// (so it is ordered with the process's other messages that take the same options).
    public func castMessage<Server: GenServer>(
        _ type: Server.Type, named name: String, on node: Node, _ request: Server.Cast,
        options: DeliveryOptions = .standard
    ) {
        guard let target = RegisteredName(name, on: node) else { return }
        if let sender = ProcessContext.current {
            try? sender.send(CastRequest(request: request), to: target, options: options)
        } else {
            try? runtime.send(CastRequest(request: request), to: target, options: options)
        }
    }

    /// Casts `request` to the server registered as `name` on each of `nodes`: Erlang's
    /// `gen_server:abcast/3`. Never fails; a node without the name, or not connected, drops it.
    public func abcast<Server: GenServer>(
        _ type: Server.Type, named name: String, on nodes: [Node], _ request: Server.Cast
    ) {
        for node in nodes { genServer(type, named: name, on: node).cast(request) }
    }

    /// Calls the server registered as `name` on each of `nodes` at once and waits for all, up
    /// to `timeout`: Erlang's `gen_server:multi_call/4`. Nodes whose server answered are in
    /// ``GenServerMultiCallResult/replies`` (in the order of `nodes`); the others — no such
    /// server, not connected, exited or timed out — in ``GenServerMultiCallResult/badNodes``.
    public func multiCall<Server: GenServer>(
        _ type: Server.Type, named name: String, on nodes: [Node], _ request: Server.Call,
        timeout: CallTimeout = .seconds(5)
    ) async -> GenServerMultiCallResult<Server.Reply> {
        let outcomes = await withTaskGroup(of: (Int, Server.Reply?).self) { group in
            for (index, node) in nodes.enumerated() {
                let server = genServer(type, named: name, on: node)
                group.addTask { (index, try? await server.call(request, timeout: timeout)) }
            }
            var outcomes = [Server.Reply?](repeating: nil, count: nodes.count)
            for await (index, reply) in group { outcomes[index] = reply }
            return outcomes
        }
        var result = GenServerMultiCallResult<Server.Reply>(replies: [], badNodes: [])
        for (node, reply) in zip(nodes, outcomes) {
            if let reply { result.replies.append((node, reply)) } else { result.badNodes.append(node) }
        }
        return result
    }

    private func address(of name: String, on node: Node) -> BehaviourAddress {
        guard let registered = RegisteredName(name, on: node) else { return BehaviourAddress(name: name, on: runtime) }
        return BehaviourAddress(name: registered, from: self)
    }
}

/// The answer of ``PartisanNode/multiCall(_:named:on:_:timeout:)``: Erlang's
/// `{Replies, BadNodes}`.
public struct GenServerMultiCallResult<Reply: Sendable>: Sendable {
    /// The nodes whose server answered, with its reply, in the order of the nodes asked.
    public var replies: [(node: Node, reply: Reply)]
    /// The nodes whose server did not answer.
    public var badNodes: [Node]
}
