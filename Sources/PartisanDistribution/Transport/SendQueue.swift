import DequeModule
import NIOCore

/// A connection's bounded queue of frames, with monotonic replacement by key.
///
/// A plain value; ``Connection`` keeps it under its lock. Entries are numbered in sequence so a
/// monotonic key can find its queued entry after pops.
struct SendQueue: Sendable {
    private struct Entry: Sendable {
        var frame: OutgoingFrame
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
    mutating func enqueue(_ frame: OutgoingFrame, key: MessageKey?) throws(TransportError) {
        let size = frame.remainingBytes
        if monotonic, let key, let sequence = sequenceByKey[key] {
            let index = sequence - headSequence
            let oldSize = entries[index].frame.remainingBytes
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

    /// Removes and returns the oldest frame's next bytes, at most `maxBytes` (see
    /// ``OutgoingFrame/take(upTo:)``). A frame stays first in the queue until all of it was
    /// taken, and once some was, a newer one with its key no longer replaces it.
    mutating func popFirst(maxBytes: Int) -> OutgoingFrame.Piece? {
        guard !entries.isEmpty else { return nil }
        let first = entries.startIndex
        if let key = entries[first].key {
            if sequenceByKey[key] == headSequence { sequenceByKey[key] = nil }
            entries[first].key = nil
        }
        let piece = entries[first].frame.take(upTo: maxBytes)
        bytes -= piece.count
        if entries[first].frame.remainingBytes == 0 {
            entries.removeFirst()
            headSequence += 1
        }
        return piece
    }

    /// The size of the oldest frame if none of it was taken and it has no tail (see
    /// ``OutgoingFrame/wholeSize``).
    var firstWholeSize: Int? { entries.first?.frame.wholeSize }

    /// Removes whole frames of at most `maxFrameBytes` from the front of the queue, appending
    /// their bytes to `batch` while it holds fewer than `batchBytes`; stops at the first larger
    /// or partly taken frame. Returns how many bytes it moved. One call instead of a
    /// ``popFirst(maxBytes:)`` per frame: a burst of small messages costs one pass.
    @discardableResult
    mutating func popSmallFrames(into batch: inout ByteBuffer, maxFrameBytes: Int, batchBytes: Int) -> Int {
        var moved = 0
        while let first = entries.first, batch.readableBytes < batchBytes,
            let size = first.frame.wholeSize, size <= maxFrameBytes
        {
            if let key = first.key, sequenceByKey[key] == headSequence { sequenceByKey[key] = nil }
            first.frame.write(into: &batch)
            entries.removeFirst()
            headSequence += 1
            moved += size
        }
        bytes -= moved
        return moved
    }

    /// Empties the queue (the connection closed).
    mutating func removeAll() {
        entries.removeAll()
        sequenceByKey.removeAll()
        bytes = 0
    }
}
