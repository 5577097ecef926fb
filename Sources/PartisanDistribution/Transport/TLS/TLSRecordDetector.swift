import Logging
import NIOCore

/// Sits first in the pipeline of a plain-TCP node's connection and looks at the first bytes
/// the peer sends: a TLS record there (a TLS node's alert, a TLS dialler's hello) closes the
/// connection with ``TLSFailure/peerUsesTLS`` instead of the handshake's report of an
/// impossible frame size. Then it removes itself. Runs on the channel's event loop.
///
/// A TLS record starts with its content type (20–23) and major version 3: read as a frame's
/// length prefix, that is at least 335 MiB, so it is taken for TLS only when it exceeds the
/// node's ``TransportConfiguration/maxFrameSize``: no frame this node accepts looks like one.
final class TLSRecordDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let maxFrameSize: Int
    private let logger: Logger
    private let direction: ConnectionInfo.Direction

    init(maxFrameSize: Int, logger: Logger, direction: ConnectionInfo.Direction) {
        self.maxFrameSize = maxFrameSize
        self.logger = logger
        self.direction = direction
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if Self.startsWithTLSRecord(unwrapInboundIn(data), maxFrameSize: maxFrameSize) {
            logger.notice(
                "the peer speaks TLS and this node does not, closing connection",
                metadata: [
                    "direction": "\(direction)", "remote": "\(context.remoteAddress.map { "\($0)" } ?? "unknown")",
                ])
            context.fireUserInboundEventTriggered(TLSFailure.peerUsesTLS)
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// Whether `buffer` starts with a TLS record header whose bytes, read as a frame's length
    /// prefix, exceed `maxFrameSize`.
    static func startsWithTLSRecord(_ buffer: ByteBuffer, maxFrameSize: Int) -> Bool {
        guard let header = buffer.getBytes(at: buffer.readerIndex, length: min(buffer.readableBytes, 4)),
            header.count >= 3, (20...23).contains(header[0]), header[1] == 3, header[2] <= 4
        else { return false }
        var prefix = 0  // the smallest length the bytes so far can start
        for index in 0..<4 { prefix = prefix << 8 | Int(index < header.count ? header[index] : 0) }
        return prefix > maxFrameSize
    }
}
