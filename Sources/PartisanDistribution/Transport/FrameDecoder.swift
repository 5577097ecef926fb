import NIOCore

/// Splits a byte stream into frames: a 4-byte big-endian length, then that many payload bytes
/// (Erlang's `{packet, 4}`).
///
/// Emits each payload as a `ByteBuffer` (a slice of the received bytes, not a copy). A declared
/// length above the limit in force (see ``FrameLimits``: a few KiB until the handshake
/// completes) throws ``TransportError/frameTooLarge(size:limit:)`` as soon as the 4 length bytes
/// have arrived; the handlers behind it close the connection. Before the handshake completes,
/// the buffer grows only with the bytes that arrive; after it, room for a whole announced frame
/// is reserved at once (so a large frame from an authenticated peer is copied into place once,
/// not again at every doubling). Bytes of an incomplete frame left at end of stream are
/// discarded. Each call does work linear in the bytes it is given.
package struct FrameDecoder: ByteToMessageDecoder {
    /// A frame's payload, length prefix removed.
    package typealias InboundOut = ByteBuffer

    private let limits: FrameLimits

    /// The largest payload accepted now, in bytes.
    package var maxFrameSize: Int { limits.current }

    /// Creates a decoder that refuses payloads above `maxFrameSize` bytes, with no handshake
    /// limit.
    package init(maxFrameSize: Int) {
        self.limits = FrameLimits(established: maxFrameSize)
    }

    /// Creates a decoder whose limit follows `limits`.
    init(limits: FrameLimits) {
        self.limits = limits
    }

    /// Emits every complete frame in `buffer`.
    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        let limit = limits.current
        guard Int(length) <= limit else {
            throw TransportError.frameTooLarge(size: Int(length), limit: limit)
        }
        guard buffer.readableBytes >= 4 + Int(length) else {
            if limits.isEstablished {
                buffer.reserveCapacity(minimumWritableBytes: 4 + Int(length) - buffer.readableBytes)
            }
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 4)
        let payload = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(Self.wrapInboundOut(payload))
        return .continue
    }

    /// Emits the complete frames left at end of stream; a partial frame is dropped.
    package mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
