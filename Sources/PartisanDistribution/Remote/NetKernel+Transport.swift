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

    public func connectionEstablished(_ connection: Connection) {
        let info = connection.info
        let dialBackLoops = state.withLock { s -> [ChannelKey: any EventLoop]? in
            guard !s.shuttingDown else { return nil }
            if s.sessions[info.peer] == nil {
                // A session that starts with a connection the peer dialled has no connections
                // of this node's yet: they are dialled once the peer's have all arrived.
                s.sessions[info.peer] = PeerSession(dialBack: info.direction == .inbound ? .waiting : .notNeeded)
            }
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
            Task { await dialBack(info.peer, at: address, loops: loops) }
        }
    }

    public func connectionClosed(_ connection: Connection, error: TransportError?) {
        let info = connection.info
        // Only connections this node dialled end a session: the peer ends its side by closing
        // them, and a duplicate set that a node closes is never one the other side sends on.
        // The exception is a session the peer started whose connections did not all arrive:
        // the peer gave up connecting, so there is nothing to dial back.
        guard info.direction == .outbound else {
            let abandoned = state.withLock { $0.sessions[info.peer]?.dialBack == .waiting }
            if abandoned { nodeDown(info.peer, reason: .connectionSetupFailed) }
            return
        }
        let ends = state.withLock { s -> NodeDownReason? in
            guard let session = s.sessions[info.peer] else { return nil }
            if let connections = session.connections,
                !(connections.connections[info.channel.name] ?? []).contains(where: { $0 === connection })
            {
                return nil
            }
            return s.shuttingDown ? .shutdown : .connectionClosed
        }
        if let reason = ends { nodeDown(info.peer, reason: reason) }
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
