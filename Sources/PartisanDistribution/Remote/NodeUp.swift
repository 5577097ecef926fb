import PartisanCore

/// The message ``NetKernel/monitorNodes(_:_:)`` subscribers receive when a node connects:
/// Erlang's `{nodeup, Node, InfoList}`.
public struct NodeUp: Hashable, Sendable, CustomStringConvertible {
    /// The node that connected.
    public let node: Node

    /// Creates a node-up message.
    public init(node: Node) { self.node = node }

    public var description: String { "{nodeup, \(node)}" }
}
