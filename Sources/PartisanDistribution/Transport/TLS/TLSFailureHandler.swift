import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Sits right behind the TLS handler of a connection: turns TLS's errors into a
/// ``TLSFailure`` user event and closes the connection, and closes a connection whose TLS
/// handshake has not completed within the handshake timeout.
///
/// The event reaches ``ConnectionHandler`` before the close does, so a failed dial reports
/// ``TransportError/tls(_:)`` instead of a bare closed connection. An unclean shutdown (the
/// peer closed TCP without a TLS close) is dropped: the close that follows reports it, as on
/// plain TCP. Other errors pass on.
///
/// The deadline is needed because until TLS's handshake completes the TLS handler holds back
/// every write: the handshake's own timeout sends a refusal and closes once it is written,
/// which never happens to a peer that stays silent (or stops halfway) in TLS's handshake. The
/// deadline falls a little after the handshake's timeout, so that timeout is still what the
/// handshake reports. Runs on the channel's event loop.
final class TLSFailureHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// How long after the handshake's timeout the deadline falls.
    static let deadlineGrace = TimeAmount.milliseconds(100)

    private let logger: Logger
    private let direction: ConnectionInfo.Direction
    private let handshakeTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var handshakeCompleted = false

    init(logger: Logger, direction: ConnectionInfo.Direction, handshakeTimeout: Duration) {
        self.logger = logger
        self.direction = direction
        self.handshakeTimeout = TimeAmount(handshakeTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armDeadline(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armDeadline(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            handshakeCompleted = true
            deadline?.cancel()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case NIOSSLError.uncleanShutdown = error { return }
        guard let failure = TLSFailure(error) else {
            context.fireErrorCaught(error)
            return
        }
        logger.notice(
            "TLS failed, closing connection",
            metadata: ["reason": "\(failure)", "direction": "\(direction)", "remote": "\(remote(context))"])
        context.fireUserInboundEventTriggered(failure)
        context.close(promise: nil)
    }

    private func armDeadline(context: ChannelHandlerContext) {
        guard deadline == nil, !handshakeCompleted else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout + Self.deadlineGrace) {
            guard !self.handshakeCompleted else { return }
            self.logger.notice(
                "no TLS handshake within the handshake timeout, closing connection",
                metadata: ["direction": "\(self.direction)", "remote": "\(self.remote(context))"])
            context.close(promise: nil)
        }
    }

    private func remote(_ context: ChannelHandlerContext) -> String {
        context.remoteAddress.map { "\($0)" } ?? "unknown"
    }
}
