import NIOCore
import PartisanCore

/// Encodes terms as frames: a 4-byte big-endian payload length, then the term in ETF.
///
/// The sender encodes, not a pipeline handler: a term too large for a frame then fails in the
/// sender's own call (``TransportError/frameTooLarge(size:limit:)``) and nothing is queued or
/// sent, and the ETF bytes are copied once, straight into the buffer the socket writes.
public struct FrameEncoder: Sendable {
    /// The largest payload allowed, in bytes (at most `UInt32.max`).
    public let maxFrameSize: Int
    /// How terms are encoded.
    public let options: ETF.EncodingOptions

    /// Creates an encoder that refuses payloads above `maxFrameSize` bytes.
    public init(maxFrameSize: Int, options: ETF.EncodingOptions = .init()) {
        self.maxFrameSize = min(maxFrameSize, Int(UInt32.max))
        self.options = options
    }

    /// The frame holding `term`, length prefix included.
    public func encode(_ term: Term, allocator: ByteBufferAllocator = .init()) throws(TransportError) -> ByteBuffer {
        let payload: [UInt8]
        do { payload = try ETF.encode(term, options: options) } catch { throw .encoding(error) }
        return try frame(payload, allocator: allocator)
    }

    /// The frame holding `head` then `tail` as they are, length prefix included: `head` is
    /// copied into the frame's buffer, `tail` is kept as it is (see ``OutgoingFrame``).
    func frame(_ head: [UInt8], _ tail: [UInt8], allocator: ByteBufferAllocator) throws(TransportError)
        -> OutgoingFrame
    {
        let count = head.count + tail.count
        guard count <= maxFrameSize else { throw .frameTooLarge(size: count, limit: maxFrameSize) }
        var buffer = allocator.buffer(capacity: 4 + head.count)
        buffer.writeInteger(UInt32(count))
        buffer.writeBytes(head)
        return OutgoingFrame(head: buffer, tail: tail)
    }

    /// The frame holding `payload` as it is, length prefix included.
    public func frame(_ payload: some Collection<UInt8>, allocator: ByteBufferAllocator = .init())
        throws(TransportError)
        -> ByteBuffer
    {
        guard payload.count <= maxFrameSize else { throw .frameTooLarge(size: payload.count, limit: maxFrameSize) }
        var buffer = allocator.buffer(capacity: 4 + payload.count)
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
        return buffer
    }
}

extension ByteBuffer {
    /// Decodes the readable bytes as one ETF term.
    func decodeTerm() throws(ETFError) -> Term {
        try withUnsafeReadableBytes { raw in
            Result { () throws(ETFError) -> Term in try ETF.decode(raw) }
        }.get()
    }
}
