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

/// Which connected nodes a query or a node monitor covers: Erlang's `nodes/1` argument and
/// `monitor_nodes/2`'s `node_type` option.
public enum NodeSelection: Sendable, Hashable {
    /// Visible nodes only (Erlang's `nodes()`, `monitor_nodes(true)`).
    case visible
    /// Hidden nodes only (`nodes(hidden)`, `{node_type, hidden}`).
    case hidden
    /// Every connected node (`nodes(connected)`, `{node_type, all}`).
    case all

    /// Whether a node of `type` is selected.
    public func contains(_ type: NodeType) -> Bool {
        switch self {
        case .visible: type == .visible
        case .hidden: type == .hidden
        case .all: true
        }
    }
}
