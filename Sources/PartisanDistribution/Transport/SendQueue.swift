import DequeModule
import NIOCore

/// A connection's bounded queue of encoded frames, with monotonic replacement by key.
///
/// A plain value; ``Connection`` keeps it under its lock. Entries are numbered in sequence so a
/// monotonic key can find its queued entry after pops.
struct SendQueue: Sendable {
    private struct Entry: Sendable {
        var frame: ByteBuffer
        var key: MessageKey?
    }

    let limits: SendQueueLimits
    let monotonic: Bool
    private var entries: Deque<Entry> = []
    /// The sequence number of `entries.first`.
    private var headSequence = 0
    /// For a monotonic queue, the sequence number of the queued entry of each key.
    private var sequenceByKey: [MessageKey: Int] = [:]
    /// Frame bytes queued.
    private(set) var bytes = 0
    /// Messages replaced by a newer one with the same key (monotonic queues only).
    private(set) var dropped = 0

    init(limits: SendQueueLimits, monotonic: Bool) {
        self.limits = limits
        self.monotonic = monotonic
    }

    /// Messages queued.
    var count: Int { entries.count }
    var isEmpty: Bool { entries.isEmpty }

    /// Queues `frame`, or replaces the queued frame with the same `key` on a monotonic queue.
    /// Throws ``TransportError/queueFull(messages:bytes:)`` and changes nothing when there is
    /// no room.
    mutating func enqueue(_ frame: ByteBuffer, key: MessageKey?) throws(TransportError) {
        let size = frame.readableBytes
        if monotonic, let key, let sequence = sequenceByKey[key] {
            let index = sequence - headSequence
            let oldSize = entries[index].frame.readableBytes
            guard entries.count == 1 || bytes - oldSize + size <= limits.maxBytes else {
                throw .queueFull(messages: entries.count, bytes: bytes)
            }
            entries[index].frame = frame
            bytes += size - oldSize
            dropped += 1
            return
        }
        guard entries.isEmpty || (entries.count < limits.maxMessages && bytes + size <= limits.maxBytes) else {
            throw .queueFull(messages: entries.count, bytes: bytes)
        }
        if monotonic, let key { sequenceByKey[key] = headSequence + entries.count }
        entries.append(Entry(frame: frame, key: monotonic ? key : nil))
        bytes += size
    }

    /// Removes and returns the oldest frame.
    mutating func popFirst() -> ByteBuffer? {
        guard let entry = entries.popFirst() else { return nil }
        if let key = entry.key, sequenceByKey[key] == headSequence { sequenceByKey[key] = nil }
        headSequence += 1
        bytes -= entry.frame.readableBytes
        return entry.frame
    }

    /// Empties the queue (the connection closed).
    mutating func removeAll() {
        entries.removeAll()
        sequenceByKey.removeAll()
        bytes = 0
    }
}
