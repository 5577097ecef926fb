import NIOCore
import PartisanCore

/// The kernel's part in a graceful shutdown (see `PartisanNode.shutdown()`): stop taking new
/// peers, then let what is queued reach the peers before the connections close.
extension NetKernel {
    /// What a peer that connects after ``stopAccepting()`` is told (`not_admitted`).
    static let stoppingRefusal: AdmissionRefusal = "the node is shutting down"

    /// Stops taking new peers: the listeners close (a peer that dials gets `connection
    /// refused`) and a handshake already under way from a peer without a session is refused.
    /// Sessions in place keep working. Returns once the listeners are closed.
    package func stopAccepting() async {
        state.withLock { $0.acceptsNewPeers = false }
        await endpoint?.stopListening()
    }

    /// Waits until every message queued on the connections of every session has been handed
    /// to the operating system (the send queues are empty and the socket writes before them
    /// completed), or until `deadline`. Returns whether everything was written in time.
    /// Messages sent meanwhile are waited for too; the connections stay open.
    @discardableResult
    package func drainSendQueues(until deadline: ContinuousClock.Instant) async -> Bool {
        while true {
            let open = openConnections()
            let queued = open.filter { $0.queuedMessages > 0 }
            if queued.isEmpty {
                // The queues are empty: an empty write behind everything written so far
                // completes once the socket has taken what came before it.
                for connection in open where ContinuousClock.now < deadline {
                    await Self.flushed(connection, until: deadline)
                }
                return open.allSatisfy { $0.queuedMessages == 0 } && ContinuousClock.now < deadline
            }
            guard ContinuousClock.now < deadline else { return false }
            // The queue drains on the connection's event loop as the socket takes it.
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Every open connection of every session, in either direction.
    private func openConnections() -> [Connection] {
        let all = state.withLock { s -> [Connection] in
            s.sessions.all.values.flatMap { session in
                (session.connections.map { Array($0.connections.values.joined()) } ?? []) + session.inbound
                    + session.spare
            }
        }
        var seen = Set<ObjectIdentifier>()
        return all.filter { seen.insert(ObjectIdentifier($0)).inserted && $0.isOpen }
    }

    /// Waits (up to `deadline`) until an empty write queued behind `connection`'s earlier
    /// writes completes.
    private static func flushed(_ connection: Connection, until deadline: ContinuousClock.Instant) async {
        let channel = connection.channel
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(channel.allocator.buffer(capacity: 0), promise: written)
        let remaining = max(.zero, deadline - .now)
        // Failing a completed promise does nothing: the write may win the race.
        let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(remaining)) {
            written.fail(ChannelError.operationUnsupported)
        }
        _ = try? await written.futureResult.get()
        timeout.cancel()
    }
}
