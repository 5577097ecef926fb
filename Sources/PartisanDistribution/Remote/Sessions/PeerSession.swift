import PartisanCore

/// What a node knows about one peer while it is connected or connecting: the connections,
/// the messages waiting for them, and the links and monitors that cross to that peer (so that
/// losing the peer can signal every one of them with `noconnection`).
struct PeerSession {
    /// A link between a local and a remote process.
    struct Link: Hashable {
        let local: Pid
        let remote: Pid
    }

    /// A monitor held by a local watcher on a remote target.
    struct OutgoingMonitor {
        let watcher: Pid
        let target: Pid
    }

    /// The session's number, unique within this node: tells a session from the next one
    /// with the same peer.
    let id: UInt64
    /// This node's connections to the peer, once established.
    var connections: PeerConnections?
    /// Encoded control messages waiting for ``connections``, in order, each with its route.
    var pending: [(bytes: EncodedMessage, route: Route)] = []
    /// The peer's incarnation, from its handshake: connections of another one are not this
    /// session's.
    var creation: UInt32
    /// The peer's type, from its handshake.
    var type: NodeType = .visible
    /// Connections the peer dialled to this node; closed with the session.
    var inbound: [Connection] = []
    /// Connections this node dialled that another set made redundant but that the peer may
    /// send on (``ConnectionSharing/shared``); closed with the session.
    var spare: [Connection] = []
    /// Every connection of the session: those this node sends on, then the peer's and the
    /// spare ones (a shared connection may appear twice).
    var everyConnection: [Connection] {
        (connections.map { Array($0.connections.values.joined()) } ?? []) + inbound + spare
    }
    /// The numbers of the sets of connections this node dialled for the session (see
    /// ``ConnectionSet``).
    var ownSets: [UInt64] = []
    /// The sets this node is dialling on its own (not dial-backs) whose first connections are
    /// in but that are not up yet: a session only they were opening ends if they fail.
    var connecting: Set<UInt64> = []
    /// The number of the set the peer dialled to open the session, or of the last one it
    /// opened while the session was up (0: none known). A newer set from the peer replaces
    /// the session; an older one is late.
    var peerSet: UInt64 = 0
    /// The highest number of the peer's sets that answered this node's (0: none): for a
    /// session this node opened, a set the peer dials later means it ended the session.
    var peerAnswer: UInt64 = 0
    /// For a session the peer started: whether this node has answered it by dialling back,
    /// or by adopting the peer's connections (it does once they have all arrived).
    var dialBack: DialBack = .notNeeded
    /// Links between local processes and the peer's.
    var links: Set<Link> = []
    /// Monitors of local watchers on the peer's processes, by reference.
    var monitoring: [Ref: OutgoingMonitor] = [:]
    /// Monitors of the peer's watchers on local processes: reference → local target.
    var monitoredBy: [Ref: Pid] = [:]

    /// Where a session the peer started stands in dialling back.
    enum DialBack {
        /// This node started the session (or has dialled back already).
        case notNeeded
        /// Waiting for the rest of the peer's connections.
        case waiting
        /// Dialling.
        case dialling
    }

    /// Whether this node's connections to the peer are established.
    var isUp: Bool { connections != nil }
}

extension PeerSession {
    /// Runs `body` on `session` in place. Reading a field of a session stored in a dictionary
    /// (`sessions.values[index].connections`) copies the whole session first, retaining each
    /// of its tables; passing it `inout` does not.
    static func inPlace<Result>(_ session: inout PeerSession, _ body: (inout PeerSession) -> Result) -> Result {
        body(&session)
    }
}
