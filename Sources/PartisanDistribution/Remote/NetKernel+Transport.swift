import NIOCore
import PartisanCore

/// The kernel's side of the transport: sessions open with the first connection either way,
/// end when a connection this node dialled closes, and carry ``ControlMessage``s.
extension NetKernel: TransportDelegate {
    /// How many replaced incarnations of a peer are remembered.
    static let replacedIncarnationsKept = 4

    /// One connection of a channel: its name and index.
    struct ChannelKey: Hashable {
        let name: String
        let index: Int
    }

    public func connectionEstablished(_ connection: Connection) {
        let info = connection.info
        // A new incarnation of the peer (it restarted before this node saw the old one go):
        // the old session ends first, with everything that depended on it.
        enum Incarnation {
            case current, replaced
            case newer(than: UInt32)
        }
        let incarnation = state.withLock { s -> Incarnation in
            if s.replaced[info.peer]?.contains(info.peerCreation) == true { return .replaced }
            guard let creation = s.sessions[info.peer]?.creation, creation != info.peerCreation else { return .current }
            s.replaced[info.peer, default: []].append(creation)
            s.replaced[info.peer]!.removeFirst(max(0, s.replaced[info.peer]!.count - Self.replacedIncarnationsKept))
            return .newer(than: creation)
        }
        switch incarnation {
        case .current:
            break
        case .replaced:
            logger.notice("closing a connection of a replaced incarnation", metadata: ["connection": "\(info)"])
            connection.channel.close(promise: nil)
            return
        case .newer(let stale):
            logger.info("peer restarted", metadata: ["peer": "\(info.peer)", "creation": "\(info.peerCreation)"])
            nodeDown(info.peer, reason: .connectionClosed, creation: stale)
        }
        let dialBackLoops = state.withLock { s -> [ChannelKey: any EventLoop]? in
            guard !s.shuttingDown else { return nil }
            if s.sessions[info.peer] == nil {
                // A session that starts with a connection the peer dialled has no connections
                // of this node's yet: they are dialled once the peer's have all arrived.
                s.sessions[info.peer] = PeerSession(
                    creation: info.peerCreation, type: info.peerSpec.hidden ? .hidden : .visible,
                    dialBack: info.direction == .inbound ? .waiting : .notNeeded)
            }
            // A connection of an incarnation other than the session's is left alone (its
            // own session begins once the one in place has ended).
            guard s.sessions[info.peer]!.creation == info.peerCreation else { return nil }
            guard info.direction == .inbound else { return nil }
            s.sessions[info.peer]!.inbound.append(connection)
            let session = s.sessions[info.peer]!
            let expected = info.peerSpec.channels.reduce(0) { $0 + $1.parallelism }
            guard session.dialBack == .waiting, session.inbound.count >= expected else { return nil }
            s.sessions[info.peer]!.dialBack = .dialling
            let pairs = session.inbound.map { connection in
                let info = connection.info
                return (ChannelKey(name: info.channel.name, index: info.index), connection.channel.eventLoop)
            }
            return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        }
        if let loops = dialBackLoops {
            let address = info.peerSpec.listenAddresses.first
            let channels = Set(info.peerSpec.channels.map(\.name))
            Task {
                await dialBack(info.peer, creation: info.peerCreation, at: address, channels: channels, loops: loops)
            }
        }
    }

    public func connectionClosed(_ connection: Connection, error: TransportError?) {
        let info = connection.info
        // Only connections this node dialled end a session: the peer ends its side by closing
        // them, and a duplicate set that a node closes is never one the other side sends on.
        // The exception is a session the peer started whose connections did not all arrive:
        // the peer gave up connecting, so there is nothing to dial back.
        guard info.direction == .outbound else {
            let abandoned = state.withLock { s in
                s.sessions[info.peer].map { $0.dialBack == .waiting && $0.creation == info.peerCreation } ?? false
            }
            if abandoned { nodeDown(info.peer, reason: .connectionSetupFailed, creation: info.peerCreation) }
            return
        }
        let ends = state.withLock { s -> NodeDownReason? in
            guard let session = s.sessions[info.peer], session.creation == info.peerCreation else { return nil }
            if let connections = session.connections,
                !(connections.connections[info.channel.name] ?? []).contains(where: { $0 === connection })
            {
                return nil
            }
            return s.shuttingDown ? .shutdown : .connectionClosed
        }
        if let reason = ends { nodeDown(info.peer, reason: reason, creation: info.peerCreation) }
    }

    public func received(_ term: Term, on connection: Connection) {
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
