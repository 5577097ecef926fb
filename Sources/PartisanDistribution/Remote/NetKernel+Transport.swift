import NIOCore
import PartisanCore

/// The kernel's side of the transport: it drives the ``SessionTable`` with the transport's
/// events (sessions open with the first connection either way, end when a connection this
/// node dialled closes), performs the table's effects, and reads ``ControlMessage``s.
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
        for case .refuse(_, let refusal, _, _) in drive({ $0.admit(connection) }) { return .refuse(refusal) }
        return .accept
    }

    package func connectionEstablished(_ connection: Connection) {
        drive { $0.connectionEstablished(connection) }
    }

    package func connectionClosed(_ connection: Connection, error: TransportError?) {
        drive { $0.connectionClosed(connection) }
    }

    // MARK: Driving the session table

    /// What performing a ``SessionEffect`` needs from the kernel's own state, taken under the
    /// lock that made the effect: the processes and callbacks to tell that a node is up or
    /// down.
    struct Audience {
        /// The processes to send ``NodeUp`` or ``NodeDown``.
        var watchers: [Pid] = []
        /// The callbacks of ``onUp(_:)``.
        var up: [@Sendable (Node) -> Void] = []
        /// The callbacks of ``onDown(_:)``.
        var down: [@Sendable (Node, NodeDownReason) -> Void] = []
    }

    /// Applies `event` to the session table under the kernel's lock, writing the messages that
    /// waited for a session that came up before the lock is released (so that nothing sent
    /// later overtakes them), then performs its effects in order. Returns the effects.
    @discardableResult
    func drive(_ event: (inout SessionTable) -> [SessionEffect]) -> [SessionEffect] {
        let steps = state.withLock { s in
            event(&s.sessions).map { effect -> (SessionEffect, Audience) in
                if case .up(_, _, let connections, let pending) = effect {
                    for message in pending {
                        Self.write(message.bytes, on: connections, route: message.route, logger: logger)
                    }
                }
                return (effect, s.audience(of: effect))
            }
        }
        for (effect, audience) in steps { perform(effect, audience) }
        return steps.map(\.0)
    }

    /// Performs one effect of a change to the session table.
    private func perform(_ effect: SessionEffect, _ audience: Audience) {
        switch effect {
        case .refuse(let connection, _, let connected, let isNew):
            guard isNew else { return }
            logger.warning(
                "refusing a second incarnation of \(connection.peer) while the first is connected",
                metadata: [
                    "connected": "\(connected)", "refused": "\(connection.peerCreation)",
                    "remote": "\(connection.remoteAddress.map { "\($0)" } ?? "unknown")",
                ])
        case .close(let connections, let cause):
            for connection in connections {
                switch cause {
                case .late:
                    logger.debug(
                        "closing a late connection",
                        metadata: ["connection": "\(connection.info)", "set": "\(connection.info.set)"])
                case .otherIncarnation:
                    logger.notice(
                        "closing a connection of a second incarnation: another is connected",
                        metadata: ["connection": "\(connection.info)", "creation": "\(connection.info.peerCreation)"])
                case .duplicate:
                    break
                }
                connection.channel.close(promise: nil)
            }
        case .abandon(let connections):
            Self.close(connections)
        case .replaced(let connection):
            logger.info(
                "peer opened a new session", metadata: ["peer": "\(connection.peer)", "set": "\(connection.set)"])
        case .end(let peer, let session, let reason):
            signalLoss(of: peer, session, reason: reason, to: audience)
        case .up(let peer, let type, _, _):
            logger.info("node up", metadata: ["node": "\(runtime.node)", "peer": "\(peer)", "type": "\(type)"])
            for watcher in audience.watchers { runtime.send(NodeUp(node: peer, type: type), to: watcher) }
            for callback in audience.up { callback(peer) }
        case .dialBack(let peer, let creation, let answering, let address, let channels, let connections):
            let lanes = Self.lanes(of: connections)
            Task {
                await dialBack(
                    peer, creation: creation, answering: answering, at: address, channels: channels, lanes: lanes)
            }
        case .adopt(let connections, let answering):
            let adopted = PeerConnections(connections: connections)
            let isOpen = adopted.isOpen
            drive { $0.adopt(adopted, isOpen: isOpen, answering: answering) }
        }
    }

    /// Tells everything that depended on the session with `peer` that it ended for `reason`,
    /// then closes its connections: what the lost peer's processes can no longer say is said
    /// for them.
    private func signalLoss(of peer: Node, _ session: PeerSession, reason: NodeDownReason, to audience: Audience) {
        logger.info("node down", metadata: ["node": "\(runtime.node)", "peer": "\(peer)", "reason": "\(reason)"])
        for link in session.links {
            runtime.apply(.exit(to: link.local, reason: .noconnection, viaLink: true), from: link.remote)
        }
        for (ref, monitor) in session.monitoring {
            let down = DownMessage(ref: ref, pid: monitor.target, reason: .noconnection)
            runtime.apply(.down(down, watcher: monitor.watcher), from: monitor.target)
        }
        for (ref, target) in session.monitoredBy { runtime.apply(.demonitor(ref, target: target), from: target) }
        for watcher in audience.watchers {
            runtime.send(NodeDown(node: peer, reason: reason, type: session.type), to: watcher)
        }
        for callback in audience.down { callback(peer, reason) }
        if let connections = session.connections { Self.close(connections) }
        for connection in session.inbound + session.spare { connection.channel.close(promise: nil) }
    }

    /// Where each connection of a dial-back goes, by the peer's connections it answers: on the
    /// event loop of the peer's connection of the same channel and index, aimed at the peer's
    /// listener of the loop its end of that connection runs on.
    private static func lanes(of connections: [Connection]) -> [ChannelKey: DialBackLane] {
        let pairs = connections.map { connection in
            let info = connection.info
            let aim = info.peerLane?.port.flatMap { port in
                info.peerSpec.listenAddresses.first.map { ListenAddress(host: $0.host, port: port) }
            }
            return (
                ChannelKey(name: info.channel.name, index: info.index),
                DialBackLane(loop: connection.channel.eventLoop, aim: aim)
            )
        }
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    /// Reads a process's message, call or reply (``IncomingSend``), or a signal
    /// (``ControlMessage/readSignal(_:from:to:options:)``), straight from the frame; decodes
    /// any other frame (the overlay's, or a malformed one) as a term for ``received(_:on:)``.
    package func received(frame payload: ByteBuffer, on connection: Connection) throws(ETFError) {
        guard connection.info.channel.name != ChannelSpec.membership.name else {
            received(try payload.decodeTerm(), on: connection)
            return
        }
        let peer = connection.info.peer
        if let send = payload.withUnsafeReadableBytes({
            IncomingSend.read($0, from: peer, to: runtime.node, codec: codec)
        }) {
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
        if let signal = payload.withUnsafeReadableBytes({
            ControlMessage.readSignal($0, from: peer, to: runtime.node)
        }) {
            apply(signal, from: peer)
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
                metadata: ["connection": "\(connection.info)", "message": "\(ControlMessage.shape(of: term))"])
            connection.channel.close(promise: nil)
            return
        }
        apply(message, from: peer)
    }
}
