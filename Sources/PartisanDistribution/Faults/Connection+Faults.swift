import NIOCore
import PartisanCore

/// The send path's faults: a partition loses the frame, interposition functions decide what
/// goes on instead.
extension Connection {
    /// Applies the faults in force to `frame`: returns `true` when they took it (lost to a
    /// partition, or replaced by the copies the send path's interposition functions made, each
    /// queued now or after its delay), `false` when it goes on as it is.
    ///
    /// - Throws: what queueing a copy without delay throws (see ``send(_:key:)``).
    func interposeOutgoing(_ frame: OutgoingFrame, key: MessageKey?) throws(TransportError) -> Bool {
        if faults.dropsOutgoing(to: info.peer) { return true }
        guard faults.interposes(.send) else { return false }
        var bytes = channel.allocator.buffer(capacity: frame.remainingBytes)
        frame.write(into: &bytes)
        bytes.moveReaderIndex(forwardBy: 4)  // the length prefix
        guard let term = try? bytes.decodeTerm() else { return false }
        for copy in faults.interpose(.send, peer: info.peer, channel: info.channel.name, term: term) {
            let next = OutgoingFrame(head: try encoder.encode(copy.term, allocator: channel.allocator))
            if copy.delay > .zero {
                channel.eventLoop.scheduleTask(in: TimeAmount(copy.delay)) { try? self.enqueue(frame: next, key: key) }
            } else {
                try enqueue(frame: next, key: key)
            }
        }
        return true
    }
}
