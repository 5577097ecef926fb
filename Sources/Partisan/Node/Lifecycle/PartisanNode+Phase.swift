extension PartisanNode {
    /// Where a node is in its life (see ``PartisanNode/phase``).
    public enum Phase: Hashable, Sendable, CustomStringConvertible {
        /// Started and serving.
        case running
        /// A graceful ``PartisanNode/shutdown()`` is under way: the node has left its overlay,
        /// takes no new peers, refuses new top-level processes and remote calls, and is stopping
        /// its supervision trees.
        case stopping
        /// Stopped: no process runs, no connection is open.
        case stopped

        public var description: String {
            switch self {
            case .running: "running"
            case .stopping: "stopping"
            case .stopped: "stopped"
            }
        }
    }
}
