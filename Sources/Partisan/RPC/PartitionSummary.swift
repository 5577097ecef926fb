/// One partition in force on a node, as `partisan.partitions` answers it (see
/// ``PartisanNode/partitions()``).
public struct PartitionSummary: Codable, Sendable, Hashable {
    /// The partition's reference number (``PartitionReference/id``).
    public var reference: UInt64
    /// The nodes it cuts the node off from, sorted.
    public var nodes: [String]
}
