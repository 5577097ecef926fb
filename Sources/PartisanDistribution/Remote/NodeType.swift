/// Whether a node is part of the cluster's view: Erlang's node types.
///
/// A *hidden* node (Erlang's `-hidden`: tools, shells, the `partisan` command-line client) can
/// talk to the nodes it connects to, but is left out of their ``NetKernel/nodes(_:)`` and of
/// their default node monitoring, and never becomes a member.
public enum NodeType: String, Sendable, Hashable, CaseIterable {
    /// An ordinary node.
    case visible
    /// A node started with ``TransportConfiguration/hidden`` set.
    case hidden
}
