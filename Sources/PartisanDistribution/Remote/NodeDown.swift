import PartisanCore

/// The message node monitors receive when the connection to a node is lost: Erlang's
/// `{nodedown, Node, [{nodedown_reason, Reason}]}`.
public struct NodeDown: Hashable, Sendable, CustomStringConvertible {
    /// The node that went down.
    public let node: Node
    /// Why.
    public let reason: NodeDownReason
    /// Its type (Erlang's `{node_type, T}` in the info list).
    public let type: NodeType

    /// Creates a node-down message.
    public init(node: Node, reason: NodeDownReason, type: NodeType = .visible) {
        self.node = node
        self.reason = reason
        self.type = type
    }

    public var description: String {
        "{nodedown, \(node), [{nodedown_reason, \(reason)}, {node_type, \(type.rawValue)}]}"
    }
}
