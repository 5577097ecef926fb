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
