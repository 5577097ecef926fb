/// A change in a node's view of its cluster, as ``PartisanNode/membershipEvents(bufferLimit:)``
/// delivers it: Partisan's "subscribe to membership events" (`on_up`, `on_down` and the
/// membership list) in one sequence.
///
/// Two sources feed it, and each event says which:
/// - the overlay's member list (``PartisanNode/members()``; HyParView's active view):
///   ``joined(_:)`` when a node enters it, ``left(_:)`` when it leaves it (it left, was
///   removed, or the overlay dropped it);
/// - the node's connections (``PartisanNode/nodes()``, visible nodes): ``up(_:)`` when a
///   session with a node comes up, ``down(_:reason:)`` when it ends, with Erlang's `nodedown`
///   reason (a closed connection, a heartbeat timeout of the failure detection, a disconnect,
///   this node's shutdown).
///
/// A member that crashes is first `down` (its connections close, or it stops answering
/// heartbeats), and stays a member while the overlay reconnects to it; it is `left` only when
/// the overlay drops it. This node itself never appears.
public enum MembershipEvent: Hashable, Sendable, CustomStringConvertible {
    /// `node` entered the overlay's member list.
    case joined(Node)
    /// `node` left the overlay's member list.
    case left(Node)
    /// A session with visible node `node` came up (all its connections are open): Partisan's
    /// `on_up`, Erlang's `{nodeup, Node}`.
    case up(Node)
    /// The session with visible node `node` ended, for `reason`: Partisan's `on_down`,
    /// Erlang's `{nodedown, Node, [{nodedown_reason, Reason}]}`.
    case down(Node, reason: NodeDownReason)
    /// The subscriber fell more than its buffer limit behind and `dropped` of the oldest
    /// events were discarded before this one; read ``PartisanNode/membershipSnapshot()`` to
    /// catch up.
    case overflow(dropped: Int)

    /// The node the event is about; `nil` for ``overflow(dropped:)``.
    public var node: Node? {
        switch self {
        case .joined(let node), .left(let node), .up(let node), .down(let node, _): node
        case .overflow: nil
        }
    }

    public var description: String {
        switch self {
        case .joined(let node): "joined \(node)"
        case .left(let node): "left \(node)"
        case .up(let node): "up \(node)"
        case .down(let node, let reason): "down \(node) (\(reason))"
        case .overflow(let dropped): "overflow: \(dropped) events dropped"
        }
    }
}
