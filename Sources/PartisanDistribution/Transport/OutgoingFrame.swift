import NIOCore

/// A frame waiting in a connection's send queue: bytes ready for the socket, then possibly a
/// large binary's bytes still in the sender's own array.
///
/// The binary (``FrameEncoder/frame(_:_:allocator:)``'s tail, kept only above
/// ``FrameEncoder/senderCopyLimit``) is copied into socket buffers by the connection's event
/// loop, a slice at a time as the socket takes them, not by the sender when it sends: sending
/// a large binary costs the sender nothing per byte, and the copy never holds a loop for longer
/// than one slice takes.
struct OutgoingFrame: Sendable {
    /// The bytes not yet taken from the start of the frame (the length prefix first).
    private var head: ByteBuffer
    /// The frame's last bytes, shared with the sender's array (not copied).
    private let tail: [UInt8]
    /// How many of `tail`'s bytes were taken.
    private var tailTaken = 0

    /// A frame of `head` then `tail`.
    init(head: ByteBuffer, tail: [UInt8] = []) {
        self.head = head
        self.tail = tail
    }

    /// The bytes not yet taken.
    var remainingBytes: Int { head.readableBytes + tail.count - tailTaken }

    /// The frame's size when none of it was taken and it has no tail: a frame that
    /// ``write(into:)`` can copy whole.
    var wholeSize: Int? { tail.isEmpty && head.readerIndex == 0 ? head.readableBytes : nil }

    /// Appends the frame's bytes not yet taken to `buffer`, leaving the frame as it is.
    func write(into buffer: inout ByteBuffer) {
        buffer.writeImmutableBuffer(head)
        buffer.writeBytes(tail[tailTaken...])
    }

    /// Removes and returns the frame's next bytes, at most `maxBytes` (at least 1), as a
    /// ``Piece``: what its bytes need copying happens in ``Piece/buffer(allocator:)``, which
    /// the caller may run outside the lock that guards the frame.
    mutating func take(upTo maxBytes: Int) -> Piece {
        let count = min(max(1, maxBytes), remainingBytes)
        if count <= head.readableBytes { return Piece(head: head.readSlice(length: count)!, tail: []) }
        let fromTail = count - head.readableBytes
        let piece = Piece(
            head: head.readSlice(length: head.readableBytes)!, tail: tail[tailTaken..<tailTaken + fromTail])
        tailTaken += fromTail
        return piece
    }

    /// Some of a frame's bytes: some of its head, then some of its tail.
    struct Piece: Sendable {
        /// Bytes of the frame's head (a slice, not a copy).
        let head: ByteBuffer
        /// Bytes of the frame's tail (the sender's array, not a copy).
        let tail: ArraySlice<UInt8>

        /// How many bytes the piece holds.
        var count: Int { head.readableBytes + tail.count }

        /// The piece's bytes in one buffer: the head slice itself when there is no tail, else
        /// a buffer from `allocator` with both copied into it.
        func buffer(allocator: ByteBufferAllocator) -> ByteBuffer {
            guard !tail.isEmpty else { return head }
            var buffer = allocator.buffer(capacity: count)
            buffer.writeImmutableBuffer(head)
            buffer.writeBytes(tail)
            return buffer
        }
    }
}
