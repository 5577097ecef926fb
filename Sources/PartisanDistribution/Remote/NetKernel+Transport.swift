import NIOCore
import PartisanCore

/// The kernel's side of the transport: sessions open with the first connection either way,
/// end when a connection this node dialled closes, and carry ``ControlMessage``s.
extension NetKernel: TransportDelegate {
    /// One connection of a channel: its name and index.
    struct ChannelKey: Hashable {
        let name: String
        let index: Int
    }

    /// Where a dial-back connection goes: this node's loop for it, and the peer's listener of
    /// the loop the peer's connection of the same key runs on (if the peer has per-loop
    /// listeners).
    struct DialBackLane {
        let loop: any EventLoop
        let aim: ListenAddress?
    }

    /// Refuses a peer whose name has a session with another incarnation (see ``NetKernel``,
    /// "Incarnations"): ``AdmissionRefusal/duplicateName``, logged once per incarnation
    /// refused while that session lives. Admits everyone else.
    package func admit(_ connection: ConnectionInfo) -> Admission {
        let refusal = state.withLock { s -> (connected: UInt32, firstTime: Bool)? in
            guard let session = s.sessions[connection.peer], session.creation != connection.peerCreation else {
                return nil
            }
            let firstTime = s.refusedIncarnations[connection.peer] != connection.peerCreation
            s.refusedIncarnations[connection.peer] = connection.peerCreation
            return (session.creation, firstTime)
        }
        guard let refusal else { return .accept }
        if refusal.firstTime {
            logger.warning(
                "refusing a second incarnation of \(connection.peer) while the first is connected",
                metadata: [
                    "connected": "\(refusal.connected)", "refused": "\(connection.peerCreation)",
                    "remote": "\(connection.remoteAddress.map { "\($0)" } ?? "unknown")",
                ])
        }
        return .refuse(.duplicateName)
    }

    package func connectionEstablished(_ connection: Connection) {
        let info = connection.info
        guard admitSet(of: connection) else { return }
        switch answer(connection) {
        case .none:
            break
        case .otherIncarnation:
            // Admitted while no session was in place, then another incarnation's opened first.
            logger.notice(
                "closing a connection of a second incarnation: another is connected",
                metadata: ["connection": "\(info)", "creation": "\(info.peerCreation)"])
            connection.channel.close(promise: nil)
        case .dialBack(let lanes):
            let address = info.peerSpec.listenAddresses.first
            let channels = Set(info.peerSpec.channels.map(\.name))
            Task {
                await dialBack(
                    info.peer, creation: info.peerCreation, answering: info.set.number, at: address,
                    channels: channels, lanes: lanes)
            }
        case .adopt(let connections):
            do {
                try establish(PeerConnections(connections: connections), answering: info.set.number)
            } catch {
                nodeDown(info.peer, reason: .connectionSetupFailed, creation: info.peerCreation)
            }
        }
    }

    /// How this node answers a peer that dialled it, once all the peer's connections are in.
    private enum Answer {
        /// Nothing to do (yet).
        case none
        /// The peer's name has a session with another incarnation: close the connection.
        case otherIncarnation
        /// Dial back, each connection on the event loop of the peer's of the same key, aimed at
        /// the peer's listener of the loop its end of that connection runs on.
        case dialBack([ChannelKey: DialBackLane])
        /// Send on the peer's connections (``ConnectionSharing/shared``).
        case adopt([Connection])
    }

    /// Records `connection` in its peer's session (opening one if needed) and decides what
    /// the session needs next.
    private func answer(_ connection: Connection) -> Answer {
        let info = connection.info
        return state.withLock { s -> Answer in
            guard !s.shuttingDown else { return .none }
            if let session = s.sessions[info.peer], session.creation != info.peerCreation { return .otherIncarnation }
            // A set this node dials back belongs to the session it answers; its establishing
            // decides (a late one must not open a session of its own).
            if info.direction == .outbound, info.set.answers != 0 { return .none }
            if s.sessions[info.peer] == nil {
                // A session that starts with a connection the peer dialled has no connections
                // of this node's yet: they are dialled (or adopted) once the peer's have all
                // arrived.
                s.sessions[info.peer] = PeerSession(
                    id: s.nextSessionID(), creation: info.peerCreation, type: info.peerSpec.hidden ? .hidden : .visible,
                    dialBack: info.direction == .inbound && info.set.answers == 0 ? .waiting : .notNeeded)
            }
            guard info.direction == .inbound else {
                // This node is connecting on its own: nothing to answer.
                if s.sessions[info.peer]!.dialBack == .waiting { s.sessions[info.peer]!.dialBack = .notNeeded }
                return .none
            }
            s.sessions[info.peer]!.inbound.append(connection)
            if info.set.answers == 0, s.sessions[info.peer]!.peerSet == 0 {
                s.sessions[info.peer]!.peerSet = info.set.number
            }
            let session = s.sessions[info.peer]!
            let expected = info.peerSpec.channels.reduce(0) { $0 + $1.parallelism }
            guard session.dialBack == .waiting, session.inbound.count >= expected else { return .none }
            switch connectionSharing {
            case .shared:
                s.sessions[info.peer]!.dialBack = .notNeeded
                return .adopt(session.inbound)
            case .separate:
                s.sessions[info.peer]!.dialBack = .dialling
                let pairs = session.inbound.map { connection in
                    let info = connection.info
                    let aim = info.peerLane?.port.flatMap { port in
                        info.peerSpec.listenAddresses.first.map { ListenAddress(host: $0.host, port: port) }
                    }
                    return (
                        ChannelKey(name: info.channel.name, index: info.index),
                        DialBackLane(loop: connection.channel.eventLoop, aim: aim)
                    )
                }
                return .dialBack(Dictionary(pairs, uniquingKeysWith: { first, _ in first }))
            }
        }
    }

    /// Checks the set (``ConnectionSet``) of a connection the peer dialled against the
    /// sessions in place. An answer to a set of this node's that no longer lives is late (its
    /// session ended) and is closed. A set the peer dialled that is newer than the one that
    /// opened the session means the peer has ended that session on its side (it would not dial
    /// again otherwise): the session ends here too, and the connection opens the next one. An
    /// older one is late and closed. Returns whether the connection may proceed.
    private func admitSet(of connection: Connection) -> Bool {
        let info = connection.info
        guard info.direction == .inbound, info.set != .unnumbered else { return true }
        enum Verdict {
            case admit, late
            case replaces(creation: UInt32, set: UInt64)
        }
        let verdict = state.withLock { s -> Verdict in
            if info.set.answers != 0 { return s.liveSets.contains(info.set.answers) ? .admit : .late }
            guard let session = s.sessions[info.peer], session.creation == info.peerCreation, session.peerSet != 0,
                session.peerSet != info.set.number
            else { return .admit }
            return info.set.number > session.peerSet
                ? .replaces(creation: session.creation, set: session.peerSet) : .late
        }
        switch verdict {
        case .admit:
            return true
        case .late:
            logger.debug("closing a late connection", metadata: ["connection": "\(info)", "set": "\(info.set)"])
            connection.channel.close(promise: nil)
            return false
        case .replaces(let creation, let set):
            logger.info("peer opened a new session", metadata: ["peer": "\(info.peer)", "set": "\(info.set)"])
            // Another connection of the new set may have replaced it already.
            nodeDown(info.peer, reason: .connectionClosed, creation: creation) { $0.peerSet == set }
            return true
        }
    }

    package func connectionClosed(_ connection: Connection, error: TransportError?) {
        let info = connection.info
        // Only the connections this node sends on end a session (those it dialled, or the
        // peer's it adopted): the peer ends its side by closing them. A session the peer
        // started that this node has not answered yet also ends when one of the peer's
        // connections closes: the peer gave up connecting, or ended the session before this
        // node's answer was up. Other connections (a duplicate set, the peer's dialled-back
        // set) are the peer's to close.
        let ends = state.withLock { s -> (reason: NodeDownReason, session: PeerSession)? in
            guard let session = s.sessions[info.peer], session.creation == info.peerCreation,
                Self.belongs(info, to: session, liveSets: s.liveSets)
            else { return nil }
            return Self.reasonToEnd(session, closing: connection, shuttingDown: s.shuttingDown).map { ($0, session) }
        }
        // Only that session: another may have taken its place meanwhile.
        if let (reason, session) = ends {
            nodeDown(info.peer, reason: reason, creation: info.peerCreation) { $0.id == session.id }
        }
    }

    /// Why closing `connection` ends `session` (one of its connections), or `nil` if it does
    /// not.
    private static func reasonToEnd(_ session: PeerSession, closing connection: Connection, shuttingDown: Bool)
        -> NodeDownReason?
    {
        let info = connection.info
        guard let connections = session.connections else {
            guard info.direction == .inbound else { return shuttingDown ? .shutdown : .connectionClosed }
            switch session.dialBack {
            case .waiting: return .connectionSetupFailed
            // The peer ended the session while this node was dialling back.
            case .dialling: return shuttingDown ? .shutdown : .connectionClosed
            case .notNeeded: return nil
            }
        }
        guard (connections.connections[info.channel.name] ?? []).contains(where: { $0 === connection }) else {
            return nil
        }
        return shuttingDown ? .shutdown : .connectionClosed
    }

    /// Whether a connection is one of `session`'s, by its set: this node's sets that still
    /// live (an answer only if it answers the set that opened the session), the peer's set
    /// that opened the session, or the peer's answer to one of this node's live sets. A
    /// connection of a session that has ended is not (its close must not end the next
    /// session). Unnumbered connections are taken to belong.
    private static func belongs(_ info: ConnectionInfo, to session: PeerSession, liveSets: Set<UInt64>) -> Bool {
        guard info.set != .unnumbered else { return true }
        switch info.direction {
        case .outbound where info.set.answers != 0:
            return liveSets.contains(info.set.number) && session.peerSet == info.set.answers
        case .outbound: return liveSets.contains(info.set.number)
        case .inbound where info.set.answers != 0: return liveSets.contains(info.set.answers)
        case .inbound: return session.peerSet == 0 || session.peerSet == info.set.number
        }
    }

    /// Reads a process's message, call or reply straight from the frame (``IncomingSend``);
    /// decodes any other frame as a term for ``received(_:on:)``.
    package func received(frame payload: ByteBuffer, on connection: Connection) throws(ETFError) {
        if connection.info.channel.name != ChannelSpec.membership.name,
            let send = payload.withUnsafeReadableBytes({
                IncomingSend.read($0, from: connection.info.peer, to: runtime.node, codec: codec)
            })
        {
            let peer = connection.info.peer
            switch send.target {
            case .pid(let pid): runtime.send(send.message, to: pid)
            case .alias(let alias): runtime.send(send.message, to: alias)
            case .name(let name):
                guard let name = RegisteredName(name, on: runtime.node) else { return }
                runtime.apply(.send(send.message, to: .name(name), options: .standard), from: send.sender)
            case .call(let server, let ref):
                let from = Alias(pid: send.sender, ref: ref)
                accept(
                    CallRequest(request: send.message, from: from, undecodedManifest: send.undecodedManifest),
                    to: server, from: peer)
            case .reply(let alias):
                accept(CallReply(tag: alias.ref, value: send.message), to: alias, from: send.sender, peer: peer)
            }
            return
        }
        received(try payload.decodeTerm(), on: connection)
    }

    package func received(_ term: Term, on connection: Connection) {
        let peer = connection.info.peer
        if connection.info.channel.name == ChannelSpec.membership.name,
            let overlay = state.withLock({ $0.overlayHandler })
        {
            overlay(term, peer)
            return
        }
        guard let message = ControlMessage(term: term), message.sender.node == peer,
            message.recipient.map({ $0.node == runtime.node }) ?? true
        else {
            logger.notice(
                "closing connection: unexpected message",
                metadata: ["connection": "\(connection.info)", "term": "\(term)"])
            connection.channel.close(promise: nil)
            return
        }
        apply(message, from: peer)
    }
}
