import PartisanCore

/// A partition in force on a node: the nodes it cuts this node off from, and the reference
/// that resolves it (one entry of Partisan's `partitions/0`).
public struct NetworkPartition: Hashable, Sendable, CustomStringConvertible {
    /// The reference ``FaultInjector/injectPartition(from:)`` returned for it.
    public let reference: PartitionReference
    /// The nodes cut off.
    public let nodes: Set<Node>

    /// A partition named `reference` cutting off `nodes`.
    package init(reference: PartitionReference, nodes: Set<Node>) {
        self.reference = reference
        self.nodes = nodes
    }

    /// The reference and the nodes, sorted.
    public var description: String {
        "\(reference) from \(nodes.map(\.description).sorted().joined(separator: ", "))"
    }
}
