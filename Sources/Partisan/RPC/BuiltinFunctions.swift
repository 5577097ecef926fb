/// The functions every node exposes, for tools such as `partisan rpc` (the start of an
/// `observer`). Call them like any other:
///
/// ```swift
/// let info = try await client.erpc.call(BuiltinFunctions.info, on: server.name)
/// ```
public enum BuiltinFunctions {
    /// `partisan.members`: the node's cluster members (itself included), sorted.
    public static let members = RemoteFunction<NoArguments, [String]>("partisan.members")
    /// `partisan.info`: the node's name, uptime, process count, channels and overlay.
    public static let info = RemoteFunction<NoArguments, NodeInfo>("partisan.info")
    /// `partisan.processes`: every process of the node with its registered name and mailbox
    /// length, sorted by pid.
    public static let processes = RemoteFunction<NoArguments, [ProcessSummary]>("partisan.processes")
    /// `partisan.whereis`: the pid registered under a name on the node, if any (Erlang's
    /// `whereis/1`); references to `name@node` use it to find their process.
    public static let whereis = RemoteFunction<String, Pid?>("partisan.whereis")
    /// `partisan.isProcessAlive`: whether a process of the node is alive (Erlang's
    /// `is_process_alive/1`); ``PartisanNode/isAlive(_:timeout:)`` uses it for a pid of
    /// another node. A pid of any other node is not alive there.
    public static let isProcessAlive = RemoteFunction<Pid, Bool>("partisan.isProcessAlive")

    /// Registers the built-in functions on `node`.
    static func register(on node: PartisanNode) {
        registerFaults(on: node)
        let startedAt = ContinuousClock.now
        node.rpcService.register(members) { [weak node] _ in
            node?.members().map(\.description).sorted() ?? []
        }
        node.rpcService.register(info) { [weak node] _ in
            guard let node else { throw RPCError.noconnection }
            let uptime = ContinuousClock.now - startedAt
            return NodeInfo(
                name: node.name.description,
                uptimeSeconds: Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18,
                processCount: node.processCount,
                channels: node.nodeSpec?.channels.map(\.description) ?? [],
                overlay: node.membership?.overlayName ?? "none",
                connectedNodes: node.nodes().map(\.description).sorted())
        }
        node.rpcService.register(whereis) { [weak node] name in node?.whereis(name) }
        node.rpcService.register(isProcessAlive) { [weak node] pid in node?.runtime.isAlive(pid) ?? false }
        node.rpcService.register(processes) { [weak node] _ in
            guard let node else { return [] }
            return node.runtime.processes.compactMap { node.runtime.details(of: $0) }
                .sorted { $0.pid.id < $1.pid.id }
                .map {
                    ProcessSummary(
                        pid: $0.pid.description, registeredName: $0.registeredName, mailboxLength: $0.mailboxCount)
                }
        }
    }
}
