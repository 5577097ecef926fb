import PartisanCore

/// The message node monitors receive when the connection to a node is lost: Erlang's
/// `{nodedown, Node, [{nodedown_reason, Reason}]}`.
public struct NodeDown: Hashable, Sendable, CustomStringConvertible {
    /// The node that went down.
    public let node: Node
    /// Why.
    public let reason: NodeDownReason

    /// Creates a node-down message.
    public init(node: Node, reason: NodeDownReason) {
        self.node = node
        self.reason = reason
    }

    public var description: String { "{nodedown, \(node), \(reason)}" }
}
