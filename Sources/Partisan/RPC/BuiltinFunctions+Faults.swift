/// The built-in functions that inject and resolve partitions on a node, for
/// `partisan partition` (see ``PartisanNode/injectPartition(from:)``). Like every RPC they
/// answer only peers that proved the node's cookie.
extension BuiltinFunctions {
    /// `partisan.injectPartition`: cuts the node off from the nodes named (`name@host` each);
    /// returns the partition's reference number. A name that is not `name@host` fails the call.
    public static let injectPartition = RemoteFunction<[String], UInt64>("partisan.injectPartition")
    /// `partisan.resolvePartition`: ends the partition with that reference number; returns
    /// whether it was in force.
    public static let resolvePartition = RemoteFunction<UInt64, Bool>("partisan.resolvePartition")
    /// `partisan.partitions`: the partitions in force, oldest first.
    public static let partitions = RemoteFunction<NoArguments, [PartitionSummary]>("partisan.partitions")

    /// Registers the partition functions on `node`.
    static func registerFaults(on node: PartisanNode) {
        node.rpcService.register(injectPartition) { [weak node] names in
            guard let node else { throw RPCError.noconnection }
            let nodes = try names.map { name throws(IdentityError) in try Node(validating: name) }
            return try node.injectPartition(from: nodes).id
        }
        node.rpcService.register(resolvePartition) { [weak node] reference in
            node?.resolvePartition(PartitionReference(id: reference)) ?? false
        }
        node.rpcService.register(partitions) { [weak node] _ in
            (node?.partitions() ?? []).map {
                PartitionSummary(reference: $0.reference.id, nodes: $0.nodes.map(\.description).sorted())
            }
        }
    }
}
