import PartisanCore

/// The message ``NetKernel/monitorNodes(_:_:)`` subscribers receive when a node connects:
/// Erlang's `{nodeup, Node, InfoList}`.
public struct NodeUp: Hashable, Sendable, CustomStringConvertible {
    /// The node that connected.
    public let node: Node
    /// Its type (Erlang's `{node_type, T}` in the info list).
    public let type: NodeType

    /// Creates a node-up message.
    public init(node: Node, type: NodeType = .visible) {
        self.node = node
        self.type = type
    }

    public var description: String { "{nodeup, \(node), [{node_type, \(type.rawValue)}]}" }
}
