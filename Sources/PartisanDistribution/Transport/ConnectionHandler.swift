import Logging
import NIOCore
import PartisanCore

/// The last handler of a connection's pipeline: turns the handshake's outcome into a
/// ``Connection``, decodes data frames into terms for the delegate, resumes sending when the
/// channel becomes writable, and reports the close.
///
/// Runs on the channel's event loop. It owns the promise of an outbound `connect` and
/// completes it exactly once: with the connection, or with the handshake's failure.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let core: EndpointCore
    private let direction: ConnectionInfo.Direction
    private var promise: EventLoopPromise<Connection>?
    private var connection: Connection?
    private var closeError: TransportError?

    init(core: EndpointCore, direction: ConnectionInfo.Direction, promise: EventLoopPromise<Connection>?) {
        self.core = core
        self.direction = direction
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event as? HandshakeEvent {
        case .established(let info):
            let connection = Connection(
                info: info, channel: context.channel, encoder: core.encoder, limits: core.configuration.sendQueue)
            self.connection = connection
            core.delegate.connectionEstablished(connection)
            promise?.succeed(connection)
            promise = nil
        case .failed(let error):
            core.delegate.handshakeFailed(error, direction: direction, remoteAddress: context.remoteAddress)
            promise?.fail(TransportError.handshake(error))
            promise = nil
        case nil:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection, closeError == nil else { return }
        let term: Term
        do {
            term = try unwrapInboundIn(data).decodeTerm()
        } catch {
            close(context: context, because: .malformedFrame(error))
            return
        }
        core.delegate.received(term, on: connection)
    }

    /// Resumes the drain once the socket took enough, as a task after the loop's pending I/O
    /// rather than at once: the change often comes from inside the drain's own flush (the
    /// socket took everything), and draining again there would keep a connection that streams
    /// large frames on the loop for as long as its peer keeps reading, ahead of every other
    /// connection on the loop.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let connection {
            context.eventLoop.execute { connection.drain() }
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard connection != nil, closeError == nil else { return }
        close(context: context, because: error as? TransportError ?? .io("\(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connection {
            connection.didClose()
            core.configuration.logger.debug(
                "connection closed",
                metadata: ["connection": "\(connection.info)", "error": "\(closeError.map { "\($0)" } ?? "none")"])
            core.delegate.connectionClosed(connection, error: closeError)
        }
        promise?.fail(TransportError.handshake(.connectionClosed))
        promise = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise?.fail(TransportError.handshake(.connectionClosed))
        promise = nil
    }

    private func close(context: ChannelHandlerContext, because error: TransportError) {
        closeError = error
        core.configuration.logger.notice(
            "closing connection",
            metadata: ["connection": "\(connection.map { "\($0.info)" } ?? "?")", "reason": "\(error)"])
        context.close(promise: nil)
    }
}
