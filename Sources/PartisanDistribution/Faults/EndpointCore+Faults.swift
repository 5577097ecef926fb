import NIOCore
import PartisanCore

/// The receive path's faults: a partition drops what a cut peer sends, interposition functions
/// decide what the node reads instead.
extension EndpointCore {
    /// Applies the faults in force to the frame `payload` that arrived on `connection`:
    /// returns `true` when they took it (dropped for a partition, or replaced by the copies the
    /// receive path's interposition functions made, each handed to the delegate now or after
    /// its delay, on the connection's event loop), `false` when it is read as it is. Runs on
    /// the connection's event loop.
    func interposeIncoming(_ payload: ByteBuffer, on connection: Connection) -> Bool {
        if faults.dropsIncoming(from: connection.info.peer) { return true }
        guard faults.interposes(.receive), let term = try? payload.decodeTerm() else { return false }
        let copies = faults.interpose(
            .receive, peer: connection.info.peer, channel: connection.info.channel.name, term: term)
        for copy in copies {
            guard let bytes = try? ETF.encode(copy.term, options: configuration.encoding) else { continue }
            let frame = connection.channel.allocator.buffer(bytes: bytes)
            if copy.delay > .zero {
                connection.channel.eventLoop.scheduleTask(in: TimeAmount(copy.delay)) {
                    self.deliver(frame, on: connection)
                }
            } else {
                deliver(frame, on: connection)
            }
        }
        return true
    }

    /// Hands an interposed frame to the delegate, as the connection's handler would; a frame
    /// the node cannot read closes the connection.
    private func deliver(_ frame: ByteBuffer, on connection: Connection) {
        guard connection.isOpen else { return }
        do {
            try delegate.received(frame: frame, on: connection)
        } catch {
            connection.channel.close(promise: nil)
        }
    }
}
