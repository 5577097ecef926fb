import PartisanCore

/// The sessions of a node with its peers, as a state machine: per peer, the session's
/// incarnation, the connection sets it was opened and answered with, where its dial-back
/// stands and which connections belong to it; per node, the numbers of the sets it dialled
/// that still live.
///
/// The table does no I/O. Each event — a connection's handshake (``admit(_:)``), a connection
/// established (``connectionEstablished(_:)``) or closed (``connectionClosed(_:)``), a set
/// this node dialled that is up (``establish(_:isOpen:answering:set:)``,
/// ``adopt(_:isOpen:answering:)``) or failed (``dialBackFailed(_:creation:set:answering:)``),
/// a session ended (``end(_:reason:creation:)``), ``shutdown()`` — changes the table and
/// returns the ``SessionEffect``s it calls for, in the order they are to be performed. Its
/// driver, ``NetKernel``, keeps it under its lock and performs the effects afterwards.
///
/// The rules (see ``NetKernel`` for what they mean to users):
/// - A peer's name has one session at a time, with one incarnation (its creation). While it is
///   in place, a handshake from another incarnation is refused (`duplicate_name`); a
///   connection of one admitted before the session opened is closed.
/// - A session opens with the first connection either way. One the peer started is answered
///   once all the peer's connections (every channel × parallelism it announced) are in: by
///   dialling back, or by adopting them (``ConnectionSharing/shared``).
/// - Each set of connections is numbered by its dialler (``ConnectionSet``). A set the peer
///   dialled that is newer than the one that opened the session means the peer ended that
///   session: it ends here too, and the set opens the next one; an older one is late. An
///   answer to a set of this node's that no longer lives is late. Late connections are
///   closed.
/// - Only the closing of a connection this node sends on ends a session (or, before this node
///   answered a session the peer started, of one of the peer's); then every connection of the
///   session is closed, so the peer ends its side. A connection that does not belong to the
///   session (of another incarnation, of an ended session's set) ends nothing.
/// - A second set to send on (both nodes dialled at once) is closed if this node dialled it
///   while sending on its own, and kept unused otherwise.
struct SessionTable {
    /// The sessions in place (connecting or up), by peer.
    private var sessions: [Node: PeerSession] = [:]
    /// Per peer, the other incarnation last refused while the session lives, so that its
    /// refusals are reported new once; cleared when the session ends.
    private var refusedIncarnations: [Node: UInt32] = [:]
    /// Whether the node is shutting down: no session opens or comes up any more.
    private(set) var isShuttingDown = false
    /// The last number given to a set of connections this node dialled.
    private var lastSet: UInt64 = 0
    /// The last number given to a session.
    private var lastSession: UInt64 = 0
    /// The sets this node dialled that are being opened or belong to a session: a peer's
    /// answer to any other set is late.
    private(set) var liveSets: Set<UInt64> = []
    /// Whether a peer that dialled this node is dialled back or sends on its own connections.
    let connectionSharing: ConnectionSharing

    /// An empty table for a node whose transport shares connections as `connectionSharing`
    /// says.
    init(connectionSharing: ConnectionSharing) {
        self.connectionSharing = connectionSharing
    }

    // MARK: Reading

    /// The session with `peer`, if there is one.
    subscript(peer: Node) -> PeerSession? { sessions[peer] }

    /// Every session, by peer.
    var all: [Node: PeerSession] { sessions }

    /// Whether there is a session with `peer` (without copying it).
    func contains(_ peer: Node) -> Bool { sessions.index(forKey: peer) != nil }

    /// Applies `change` to the session with `peer` in place and returns its result, or `nil`
    /// when there is no session. For the session's traffic: its links, monitors and pending
    /// messages; its connections and numbers change only through the table's events.
    @discardableResult
    mutating func update<Result>(_ peer: Node, _ change: (inout PeerSession) -> Result) -> Result? {
        guard let index = sessions.index(forKey: peer) else { return nil }
        return PeerSession.inPlace(&sessions.values[index], change)
    }

    // MARK: Incarnations

    /// A handshake from incarnation `info.peerCreation` of `info.peer`: refused
    /// (``SessionEffect/refuse(_:_:connected:isNew:)``) while a session with another
    /// incarnation is in place; admitted (no effect) otherwise.
    mutating func admit(_ info: ConnectionInfo) -> [SessionEffect] {
        guard let session = sessions[info.peer], session.creation != info.peerCreation else { return [] }
        let isNew = refusedIncarnations[info.peer] != info.peerCreation
        refusedIncarnations[info.peer] = info.peerCreation
        return [.refuse(info, .duplicateName, connected: session.creation, isNew: isNew)]
    }

    // MARK: Sets

    /// Numbers a new set of connections this node is about to dial; it lives until
    /// ``releaseSet(_:)`` or the end of the session it joins.
    mutating func reserveSet() -> UInt64 {
        lastSet += 1
        liveSets.insert(lastSet)
        return lastSet
    }

    /// Forgets a set of this node's whose connections failed or were closed: answers to it
    /// are late from now on. A session that only this set was opening (not up, nothing of the
    /// peer's in it, no other set of this node's on the way) ends with
    /// `.connectionSetupFailed`, so that messages stop waiting for it.
    mutating func releaseSet(_ set: UInt64) -> [SessionEffect] {
        liveSets.remove(set)
        guard let peer = sessions.first(where: { $0.value.connecting.contains(set) })?.key else { return [] }
        sessions[peer]!.connecting.remove(set)
        return end(peer, reason: .connectionSetupFailed) { session in
            !session.isUp && session.connecting.isEmpty && session.inbound.isEmpty && session.dialBack == .notNeeded
        }
    }

    /// A number for a new session, unique within this node.
    private mutating func nextSessionID() -> UInt64 {
        lastSession += 1
        return lastSession
    }

    // MARK: Connections

    /// A connection whose handshake has completed, either way. A connection the peer dialled
    /// is first checked against the session in place by its set: late ones are closed
    /// (``SessionEffect/CloseCause/late``), and a newer set of the peer's ends the session it
    /// opened (``SessionEffect/replaced(by:)``, then ``SessionEffect/end(_:_:reason:)`` with
    /// `.connectionClosed`). Then the connection opens a session if there is none, joins it, and,
    /// when it is the last of a set the peer dialled to open the session, the session is
    /// answered (``SessionEffect/dialBack(_:creation:answering:at:channels:lanes:)`` or
    /// ``SessionEffect/adopt(_:answering:)``). A connection of another incarnation than the
    /// session's is closed. A set this node dials back joins its session only once it is up
    /// (``establish(_:isOpen:answering:set:)``).
    mutating func connectionEstablished(_ connection: Connection) -> [SessionEffect] {
        let info = connection.info
        var effects: [SessionEffect] = []
        if info.direction == .inbound, info.set != .unnumbered {
            if info.set.answers != 0 {
                guard liveSets.contains(info.set.answers) else { return [.close([connection], .late)] }
            } else if let session = sessions[info.peer], session.creation == info.peerCreation,
                Self.isNewer(info.set.number, than: session)
            {
                // The peer would not dial again if the session were alive on its side.
                effects.append(.replaced(by: info))
                effects += end(info.peer, reason: .connectionClosed, creation: session.creation)
            } else if let session = sessions[info.peer], session.creation == info.peerCreation, session.peerSet != 0,
                info.set.number < session.peerSet
            {
                return [.close([connection], .late)]
            }
        }
        return effects + answer(connection)
    }

    /// Whether the peer's own set `number` was dialled after `session` was in place on the
    /// peer's side: newer than the set the peer opened it with, or, for a session this node
    /// opened, newer than the peer's answer to it (the peer numbers its answers and its own
    /// sets from one counter, so a set it dialled at the same time as this node is older than
    /// its answer, and joins the session).
    private static func isNewer(_ number: UInt64, than session: PeerSession) -> Bool {
        if session.peerSet != 0 { return number > session.peerSet }
        return session.peerAnswer != 0 && number > session.peerAnswer
    }

    /// Records `connection` in its peer's session (opening one if needed) and decides what
    /// the session needs next.
    private mutating func answer(_ connection: Connection) -> [SessionEffect] {
        let info = connection.info
        let peer = info.peer
        guard !isShuttingDown else { return [] }
        if let session = sessions[peer], session.creation != info.peerCreation {
            // Admitted while no session was in place, then another incarnation's opened first.
            return [.close([connection], .otherIncarnation)]
        }
        // A set this node dials back belongs to the session it answers once it is up (a late
        // one must not open a session of its own); nor does a set whose session ended while
        // it was being dialled (it is abandoned once up).
        if info.direction == .outbound, info.set.answers != 0 { return [] }
        if info.direction == .outbound, info.set != .unnumbered, !liveSets.contains(info.set.number) { return [] }
        if sessions[peer] == nil {
            // A session that starts with a connection the peer dialled has no connections of
            // this node's yet: they are dialled (or adopted) once the peer's have all arrived.
            sessions[peer] = PeerSession(
                id: nextSessionID(), creation: info.peerCreation, type: info.peerSpec.hidden ? .hidden : .visible,
                dialBack: info.direction == .inbound && info.set.answers == 0 ? .waiting : .notNeeded)
        }
        guard info.direction == .inbound else {
            // This node is connecting on its own. A set the peer started meanwhile is still
            // answered once it is all in, unless this one is up first: this one may fail.
            if !sessions[peer]!.isUp, info.set != .unnumbered { sessions[peer]!.connecting.insert(info.set.number) }
            return []
        }
        sessions[peer]!.inbound.append(connection)
        if info.set.answers != 0 { sessions[peer]!.peerAnswer = max(sessions[peer]!.peerAnswer, info.set.number) }
        if info.set.answers == 0 {
            if sessions[peer]!.peerSet == 0 { sessions[peer]!.peerSet = info.set.number }
            // The peer dials while this node's own set is on the way: answer it unless that
            // set comes up first.
            if !sessions[peer]!.isUp, sessions[peer]!.dialBack == .notNeeded { sessions[peer]!.dialBack = .waiting }
        }
        let session = sessions[peer]!
        let expected = info.peerSpec.channels.reduce(0) { $0 + $1.parallelism }
        guard session.dialBack == .waiting, session.inbound.count >= expected else { return [] }
        switch connectionSharing {
        case .shared:
            sessions[peer]!.dialBack = .notNeeded
            return [.adopt(session.inbound, answering: info.set.number)]
        case .separate:
            sessions[peer]!.dialBack = .dialling
            return [
                .dialBack(
                    peer, creation: info.peerCreation, answering: info.set.number,
                    at: info.peerSpec.listenAddresses.first, channels: Set(info.peerSpec.channels.map(\.name)),
                    lanes: session.inbound)
            ]
        }
    }

    /// A set of connections this node is to send on is up: its own (numbered `set` when this
    /// node numbered it; answering the peer's set `answering` when dialled back), or the
    /// peer's it adopts. The session comes up on it (``SessionEffect/up(_:_:connections:pending:)``,
    /// with the messages that waited), opening one if there is none. The set is abandoned
    /// (``SessionEffect/abandon(_:)``) when it is not open (`isOpen`), the node is shutting
    /// down, the session it answers has ended, `set` no longer lives (the session it was
    /// opening ended meanwhile, by a disconnect say), or the session is another incarnation's.
    /// A session it opens has the peer's type (hidden or visible). For a
    /// session already up (both nodes dialled at once), a set this node dialled while sending
    /// on its own is closed (``SessionEffect/CloseCause/duplicate``); otherwise the set stays
    /// open unused until the session ends, as the peer may send on it.
    mutating func establish(
        _ connections: PeerConnections, isOpen: Bool, answering: UInt64? = nil, set: UInt64? = nil
    ) -> [SessionEffect] {
        let peer = connections.peer
        guard !isShuttingDown, isOpen, answering.map({ sessions[peer]?.peerSet == $0 }) ?? true,
            set.map(liveSets.contains) ?? true
        else {
            return [.abandon(connections)]
        }
        let hidden = connections.connections.values.joined().first?.info.peerSpec.hidden ?? false
        var session =
            sessions[peer]
            ?? PeerSession(id: nextSessionID(), creation: connections.creation, type: hidden ? .hidden : .visible)
        guard session.creation == connections.creation else { return [.abandon(connections)] }
        if let current = session.connections {
            // The peer may send on a set it dialled (it is among the session's inbound
            // connections), or, when this node sends on the peer's set, on this one, having
            // adopted it too: either stays open, unused here, until the session ends.
            guard Self.direction(of: connections) == .outbound else { return [] }
            guard Self.direction(of: current) == .inbound else {
                if let set { liveSets.remove(set) }
                return [.close(Array(connections.connections.values.joined()), .duplicate)]
            }
            sessions[peer]!.spare += connections.connections.values.joined()
            if let set { sessions[peer]!.ownSets.append(set) }
            return []
        }
        let pending = session.pending
        session.pending = []
        session.connections = connections
        session.connecting = []
        if let set { session.ownSets.append(set) }
        // With connections to send on, there is nothing left to answer.
        session.dialBack = .notNeeded
        sessions[peer] = session
        return [.up(peer, session.type, connections: connections, pending: pending)]
    }

    /// The peer's connections `connections`, gathered to answer its set `answering`
    /// (``SessionEffect/adopt(_:answering:)``), are to be sent on: as
    /// ``establish(_:isOpen:answering:set:)``, and if they are abandoned the session ends with
    /// `.connectionSetupFailed`.
    mutating func adopt(_ connections: PeerConnections, isOpen: Bool, answering: UInt64) -> [SessionEffect] {
        let effects = establish(connections, isOpen: isOpen, answering: answering)
        guard case .abandon = effects.first else { return effects }
        return effects + end(connections.peer, reason: .connectionSetupFailed, creation: connections.creation)
    }

    /// Dialling back `peer` (incarnation `creation`) with this node's set `set`, in answer to
    /// the peer's set `answering`, failed (or its connections were abandoned): the set stops
    /// living, and the session ends with `.connectionSetupFailed` if it is the one answered and
    /// is not up (a newer one may be in its place).
    mutating func dialBackFailed(_ peer: Node, creation: UInt32, set: UInt64, answering: UInt64) -> [SessionEffect] {
        liveSets.remove(set)
        return end(peer, reason: .connectionSetupFailed, creation: creation) {
            !$0.isUp && $0.peerSet == answering
        }
    }

    /// A connection has closed. It ends its session only if it belongs to it (see
    /// ``belongs(_:to:)``) and is one the session sends on, or, while a session the peer
    /// started waits for the rest of the peer's set or for this node's dial-back, one of the
    /// peer's: with `.connectionClosed`, or
    /// `.connectionSetupFailed` when this node had not started answering.
    mutating func connectionClosed(_ connection: Connection) -> [SessionEffect] {
        let info = connection.info
        guard let session = sessions[info.peer], session.creation == info.peerCreation, belongs(info, to: session),
            let reason = reasonToEnd(session, closing: connection)
        else { return [] }
        return end(info.peer, reason: reason)
    }

    /// Why closing `connection` ends `session` (one of its connections), or `nil` if it does
    /// not. Only the connections this node sends on end a session (those it dialled, or the
    /// peer's it adopted): the peer ends its side by closing them. A session the peer started
    /// that this node has not answered yet also ends when one of the peer's connections
    /// closes: the peer gave up connecting, or ended the session before this node's answer was
    /// up. Other connections (a duplicate set, the peer's dialled-back set) are the peer's to
    /// close.
    private func reasonToEnd(_ session: PeerSession, closing connection: Connection) -> NodeDownReason? {
        let info = connection.info
        // (No session is left to end once the node shuts down: `shutdown()` ends them all.)
        let closed = NodeDownReason.connectionClosed
        guard let connections = session.connections else {
            guard info.direction == .inbound else { return closed }
            switch session.dialBack {
            case .waiting: return .connectionSetupFailed
            // The peer ended the session while this node was dialling back.
            case .dialling: return closed
            case .notNeeded: return nil
            }
        }
        guard (connections.connections[info.channel.name] ?? []).contains(where: { $0 === connection }) else {
            return nil
        }
        return closed
    }

    /// Whether a connection is one of `session`'s, by its set: this node's sets that still
    /// live (an answer only if it answers the set that opened the session), the peer's set
    /// that opened the session, or the peer's answer to one of this node's live sets. A
    /// connection of a session that has ended is not (its close must not end the next
    /// session). Unnumbered connections are taken to belong.
    private func belongs(_ info: ConnectionInfo, to session: PeerSession) -> Bool {
        guard info.set != .unnumbered else { return true }
        switch info.direction {
        case .outbound where info.set.answers != 0:
            return liveSets.contains(info.set.number) && session.peerSet == info.set.answers
        case .outbound: return liveSets.contains(info.set.number)
        case .inbound where info.set.answers != 0: return liveSets.contains(info.set.answers)
        case .inbound: return session.peerSet == 0 || session.peerSet == info.set.number
        }
    }

    /// Which side dialled the connections of a set (all of a set were dialled by one side).
    private static func direction(of connections: PeerConnections) -> ConnectionInfo.Direction? {
        connections.connections.values.joined().first?.info.direction
    }

    // MARK: Ending

    /// Ends the session with `peer`, if there is one (of incarnation `creation` when given, and
    /// for which `condition` holds): ``SessionEffect/end(_:_:reason:)``. Its sets stop living
    /// and the incarnations it refused may connect.
    mutating func end(
        _ peer: Node, reason: NodeDownReason, creation: UInt32? = nil,
        if condition: (PeerSession) -> Bool = { _ in true }
    ) -> [SessionEffect] {
        guard let current = sessions[peer], creation.map({ $0 == current.creation }) ?? true, condition(current)
        else { return [] }
        sessions[peer] = nil
        refusedIncarnations[peer] = nil
        // The sets still connecting end with it: a connect under way does not bring it back.
        liveSets.subtract(current.ownSets)
        liveSets.subtract(current.connecting)
        return [.end(peer, current, reason: reason)]
    }

    /// Ends every session with reason `.shutdown`; from now on no session opens and no set
    /// is taken.
    mutating func shutdown() -> [SessionEffect] {
        isShuttingDown = true
        return Array(sessions.keys).flatMap { end($0, reason: .shutdown) }
    }
}
