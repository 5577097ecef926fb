/// One node in a node's view of its cluster, with its state: an entry of
/// ``PartisanNode/membershipSnapshot()``.
public struct Member: Hashable, Sendable, CustomStringConvertible {
    /// What the node viewing the cluster knows of a member.
    public enum State: Hashable, Sendable, CustomStringConvertible {
        /// The viewing node itself.
        case local
        /// In the overlay's member list, with a session up.
        case up
        /// In the overlay's member list without a session up: joining, or down and being
        /// reconnected to by the overlay.
        case connecting
        /// Known to the overlay but not a member (HyParView's passive view): not connected,
        /// a candidate to replace a member that fails.
        case passive

        public var description: String {
            switch self {
            case .local: "local"
            case .up: "up"
            case .connecting: "connecting"
            case .passive: "passive"
            }
        }
    }

    /// The node.
    public let node: Node
    /// Its state.
    public let state: State

    /// A member `node` in `state`.
    public init(node: Node, state: State) {
        self.node = node
        self.state = state
    }

    public var description: String { "\(node) (\(state))" }
}
