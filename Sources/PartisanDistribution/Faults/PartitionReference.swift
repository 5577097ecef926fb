/// Names one partition injected on a node (``NetworkPartition``), as the reference Partisan's
/// `inject_partition/2` returns: give it back to resolve that partition.
///
/// A reference is unique among the partitions of the node that made it; references of
/// different nodes may compare equal, so resolve a partition on the node that injected it.
public struct PartitionReference: Hashable, Sendable, CustomStringConvertible {
    /// The reference's number on its node, counting from 1.
    public let id: UInt64

    /// A reference with number `id`.
    package init(id: UInt64) { self.id = id }

    /// `#Partition<id>`.
    public var description: String { "#Partition<\(id)>" }
}
