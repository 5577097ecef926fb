import PartisanCore

/// What a change to the ``SessionTable`` calls for: the I/O and the notifications the table
/// decided on and left to its driver (``NetKernel``), which performs them in order once the
/// change is made.
enum SessionEffect {
    /// Why connections are closed without ending a session.
    enum CloseCause: Equatable {
        /// A connection of a session that has ended (an answer to a set of this node's that no
        /// longer lives, or a set of the peer's older than the session's).
        case late
        /// A connection of another incarnation than the session's, admitted while no session
        /// was in place.
        case otherIncarnation
        /// A set this node dialled while it already sends on one of its own (both nodes
        /// dialled at once).
        case duplicate
    }

    /// Refuse the handshake of `connection` for `refusal`: another incarnation (`connected`)
    /// of the peer has a session. `isNew` is true for the first refusal of that incarnation
    /// while the session lives (the one worth a warning).
    case refuse(ConnectionInfo, AdmissionRefusal, connected: UInt32, isNew: Bool)
    /// Close `connections`, leaving every session as it is.
    case close([Connection], CloseCause)
    /// The set `connections` offered to send on is not taken (the session it answers has
    /// ended, the node is shutting down, another incarnation has the session, or it closed):
    /// close it; whoever offered it fails.
    case abandon(PeerConnections)
    /// The peer opened a new session with the set of `connection`: its older session with this
    /// node ends (an ``end(_:_:reason:)`` follows).
    case replaced(by: ConnectionInfo)
    /// The session with `peer` has ended for `reason`: what depended on it learns so
    /// (links and monitors with `noconnection`, node monitors with ``NodeDown``), and its
    /// connections close.
    case end(Node, PeerSession, reason: NodeDownReason)
    /// The session with `peer` is up on `connections`: write `pending` on them, in order,
    /// before anything else is sent (under the driver's lock), then report the node up.
    case up(Node, NodeType, connections: PeerConnections, pending: [(bytes: EncodedMessage, route: Route)])
    /// Dial `peer` (incarnation `creation`) back at `address`, on the channels named
    /// `channels`, in answer to its set `answering`; `lanes` are the peer's connections, whose
    /// event loops and lanes the new ones follow (see ``ConnectionLane``).
    case dialBack(
        Node, creation: UInt32, answering: UInt64, at: ListenAddress?, channels: Set<String>, lanes: [Connection])
    /// Send on the peer's own connections `connections`, which answer nothing of this node's
    /// but the peer's set `answering` (``ConnectionSharing/shared``): hand them to
    /// ``SessionTable/adopt(_:isOpen:answering:)``.
    case adopt([Connection], answering: UInt64)
}
