import NIOCore

/// Splits a byte stream into frames: a 4-byte big-endian length, then that many payload bytes
/// (Erlang's `{packet, 4}`).
///
/// Emits each payload as a `ByteBuffer` (a slice of the received bytes, not a copy). A declared
/// length above ``maxFrameSize`` throws ``TransportError/frameTooLarge(size:limit:)`` as soon as
/// the 4 length bytes have arrived, before anything of that size is allocated; the handlers
/// behind it close the connection. Bytes of an incomplete frame left at end of stream are
/// discarded.
public struct FrameDecoder: ByteToMessageDecoder {
    /// A frame's payload, length prefix removed.
    public typealias InboundOut = ByteBuffer

    /// The largest payload accepted, in bytes.
    public let maxFrameSize: Int

    /// Creates a decoder that refuses payloads above `maxFrameSize` bytes.
    public init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    /// Emits every complete frame in `buffer`.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard Int(length) <= maxFrameSize else {
            throw TransportError.frameTooLarge(size: Int(length), limit: maxFrameSize)
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            // Room for the whole frame now: the rest is then copied into place once as it
            // arrives, not again at every doubling of the buffer.
            buffer.reserveCapacity(minimumWritableBytes: 4 + Int(length) - buffer.readableBytes)
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 4)
        let payload = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(Self.wrapInboundOut(payload))
        return .continue
    }

    /// Emits the complete frames left at end of stream; a partial frame is dropped.
    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
