import NIOCore
import PartisanCore

/// The kernel's side of the transport: sessions open with the first connection either way,
/// end when a connection this node dialled closes, and carry ``ControlMessage``s.
extension NetKernel: TransportDelegate {
    public func connectionEstablished(_ connection: Connection) {
        let info = connection.info
        let mustDialBack = state.withLock { s -> Bool in
            guard !s.shuttingDown else { return false }
            let isNew = s.sessions[info.peer] == nil
            if isNew { s.sessions[info.peer] = PeerSession() }
            if info.direction == .inbound { s.sessions[info.peer]?.inbound.append(connection) }
            // A session that starts with a connection the peer dialled has no connections of
            // this node's yet: dial them.
            return isNew && info.direction == .inbound
        }
        if mustDialBack {
            let address = info.peerSpec.listenAddresses.first
            Task { await dialBack(info.peer, at: address) }
        }
    }

    public func connectionClosed(_ connection: Connection, error: TransportError?) {
        let info = connection.info
        // Only connections this node dialled end a session: the peer ends its side by closing
        // them, and a duplicate set that a node closes is never one the other side sends on.
        guard info.direction == .outbound else { return }
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
