import Logging
import NIOCore
import NIOSSL

/// Sits right behind the TLS handler of a connection: turns TLS's errors into a
/// ``TLSFailure`` user event and closes the connection.
///
/// The event reaches ``ConnectionHandler`` before the close does, so a failed dial reports
/// ``TransportError/tls(_:)`` instead of a bare closed connection. An unclean shutdown (the
/// peer closed TCP without a TLS close) is dropped: the close that follows reports it, as on
/// plain TCP. Other errors pass on. Runs on the channel's event loop.
final class TLSFailureHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let logger: Logger
    private let direction: ConnectionInfo.Direction

    init(logger: Logger, direction: ConnectionInfo.Direction) {
        self.logger = logger
        self.direction = direction
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case NIOSSLError.uncleanShutdown = error { return }
        guard let failure = TLSFailure(error) else {
            context.fireErrorCaught(error)
            return
        }
        logger.notice(
            "TLS failed, closing connection",
            metadata: [
                "reason": "\(failure)", "direction": "\(direction)",
                "remote": "\(context.remoteAddress.map { "\($0)" } ?? "unknown")",
            ])
        context.fireUserInboundEventTriggered(failure)
        context.close(promise: nil)
    }
}
