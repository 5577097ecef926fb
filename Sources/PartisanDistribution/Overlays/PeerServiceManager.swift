import PartisanCore

/// An overlay: the strategy that decides who is a member of the cluster and which peers a
/// node keeps connections to — Partisan's `partisan_peer_service_manager` /
/// `partisan_membership_strategy`. Full mesh (``FullMeshMembership``) is the default;
/// ``HyParViewMembership``, ``ClientServerMembership`` and ``StaticMembership`` implement the
/// same protocol, and `OverlaySimulator` (PartisanSimulation) runs any of them in memory, without sockets.
///
/// **A state machine, not an actor.** A manager does no I/O, owns no timers and starts no
/// tasks. Each method takes an event and returns a ``PeerServiceUpdate``: the new member
/// list, the overlay messages to send, and the peers to connect to or drop. Its driver, a
/// ``MembershipService``, does the rest: it sends the messages on the `membership` channel,
/// connects (with backoff) and disconnects, runs ``periodic()`` every gossip interval, sends
/// heartbeats and declares silent peers down. The transport does connections, framing,
/// serialisation and failure detection; so an overlay is only its membership logic.
///
/// **Threading.** The driver calls a manager from any thread but never concurrently: every
/// call happens under the driver's lock, so an implementation needs no synchronisation of its
/// own. Methods must return quickly and must not block, sleep or call back into the driver.
///
/// **Messages.** Overlay messages are ``Term``s; a manager receives in
/// ``handle(message:from:)`` exactly what managers of the same type on other nodes returned
/// for it, from the node that sent it. Delivery is best effort: a message to a peer that is
/// not connected is dropped, so a manager must tolerate loss and duplication (the full mesh
/// gossips its whole state-based CRDT, which is idempotent). Messages may be reordered
/// only across peers, never between one pair of nodes. A message to a peer the manager lists in
/// ``PeerServiceUpdate/connect`` but that is not connected yet is held until it connects (the
/// driver bounds that queue) if the manager ``holdsMessagesUntilConnected``; a message to any
/// other unconnected peer is dropped.
public protocol PeerServiceManager: Sendable {
    /// This node's spec, as the manager announces it.
    var localSpec: NodeSpec { get }

    /// Whether the driver keeps messages to a wanted peer that is not connected yet until it
    /// connects (HyParView's NEIGHBOR to a passive peer needs it), or drops them (the full
    /// mesh sends its whole state again when a peer comes up, so older copies would only be
    /// stale load). The default is `false`.
    var holdsMessagesUntilConnected: Bool { get }

    /// The members, this node included, sorted by name: Partisan's `members/0`. For a
    /// partial-view overlay, the peers this node is connected to (HyParView's active view).
    func members() -> [NodeSpec]

    /// Every peer this node knows of, this node included, sorted by name: the members plus,
    /// for a partial-view overlay, the peers it could connect to (HyParView's passive view).
    /// The default is ``members()``.
    func knownPeers() -> [NodeSpec]

    /// This node joins the cluster that `contact` belongs to; the driver has just connected
    /// to `contact`. Partisan's `join/1`.
    mutating func join(_ contact: NodeSpec) -> PeerServiceUpdate

    /// Removes `node` from the cluster (this node itself to leave): Partisan's `leave/1`.
    mutating func leave(_ node: Node) -> PeerServiceUpdate

    /// An overlay message from `peer` arrived.
    mutating func handle(message: Term, from peer: Node) -> PeerServiceUpdate

    /// The periodic tick (every gossip interval): anti-entropy, shuffles, and the like.
    mutating func periodic() -> PeerServiceUpdate

    /// `peer` connected (after a join, a reconnection, or a peer dialling in).
    mutating func peerUp(_ peer: Node) -> PeerServiceUpdate

    /// `peer`'s connection closed, it was declared down, or an attempt to connect to it
    /// failed (the driver still reconnects to a peer the manager keeps in
    /// ``PeerServiceUpdate/connect``). The default keeps the state as it is and returns the
    /// current members, which suits overlays that simply reconnect.
    mutating func peerDown(_ peer: Node) -> PeerServiceUpdate
}

extension PeerServiceManager {
    /// Messages to unconnected peers are dropped.
    public var holdsMessagesUntilConnected: Bool { false }

    /// The members: overlays without a partial view know exactly their members.
    public func knownPeers() -> [NodeSpec] { members() }

    /// Nothing changes: the driver keeps reconnecting to wanted peers.
    public mutating func peerDown(_ peer: Node) -> PeerServiceUpdate {
        PeerServiceUpdate(members: members(), connect: members().filter { $0.node != localSpec.node })
    }
}
