import Logging
import NIOCore
import PartisanCore

/// The last handler of a connection's pipeline: turns the handshake's outcome into a
/// ``Connection``, hands data frames to the delegate, resumes sending when the
/// channel becomes writable, and reports the close.
///
/// Runs on the channel's event loop. It owns the promise of an outbound `connect` and
/// completes it exactly once: with the connection, or with the handshake's failure (or, when
/// TLS failed first, with ``TransportError/tls(_:)``).
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let core: EndpointCore
    private let direction: ConnectionInfo.Direction
    private var promise: EventLoopPromise<Connection>?
    private var connection: Connection?
    private var closeError: TransportError?
    /// Why TLS closed the connection, if it did (see ``TLSFailureHandler``).
    private var tlsFailure: TLSFailure?

    /// The error a failed `connect` reports: TLS's when TLS failed, else the handshake's.
    private func connectError(_ handshake: HandshakeError) -> TransportError {
        tlsFailure.map(TransportError.tls) ?? .handshake(handshake)
    }

    init(core: EndpointCore, direction: ConnectionInfo.Direction, promise: EventLoopPromise<Connection>?) {
        self.core = core
        self.direction = direction
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let failure = event as? TLSFailure {
            tlsFailure = failure
            if connection != nil { closeError = closeError ?? .tls(failure) }
            return
        }
        switch event as? HandshakeEvent {
        case .established(let info):
            let connection = Connection(
                info: info, channel: context.channel, encoder: core.encoder, limits: core.configuration.sendQueue,
                metrics: core.configuration.metricsFactory, faults: core.faults)
            self.connection = connection
            core.delegate.connectionEstablished(connection)
            promise?.succeed(connection)
            promise = nil
        case .failed(let error):
            ChannelMetrics.countHandshakeFailure(
                error, direction: direction, node: core.spec.node, factory: core.configuration.metricsFactory)
            core.delegate.handshakeFailed(error, direction: direction, remoteAddress: context.remoteAddress)
            promise?.fail(connectError(error))
            promise = nil
        case nil:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection, closeError == nil else { return }
        let frame = unwrapInboundIn(data)
        // One relaxed load while no fault is in force (see ``FaultInjector``).
        if core.faults.isEngaged, core.interposeIncoming(frame, on: connection) { return }
        framesReceived += 1
        bytesReceived += 4 + frame.readableBytes
        do {
            try core.delegate.received(frame: frame, on: connection)
        } catch {
            close(context: context, because: .malformedFrame(error))
        }
    }

    /// Frames and their bytes (length prefix included) received in this read burst, told to
    /// the metrics once the burst is over.
    private var framesReceived = 0
    private var bytesReceived = 0

    func channelReadComplete(context: ChannelHandlerContext) {
        if framesReceived > 0, let connection {
            connection.metrics.framesReceived.increment(by: Int64(framesReceived))
            connection.metrics.bytesReceived.increment(by: Int64(bytesReceived))
            framesReceived = 0
            bytesReceived = 0
        }
        LoopBusyWait.extend(context.eventLoop, by: core.configuration.busyWait)
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { resumeDrain(on: context.channel) }
        context.fireChannelWritabilityChanged()
    }

    /// Bytes the connection handed to the socket in a row since the loop last polled its other
    /// connections on its account.
    private var bytesThisTurn = 0
    /// A resumption after a pause is scheduled.
    private var resumeScheduled = false

    /// Resumes the drain once the socket took enough.
    ///
    /// The change usually comes from inside the drain's own flush (the socket took everything),
    /// and SwiftNIO runs handlers and tasks until none is left before it polls for I/O again:
    /// draining again at once, or in a task, would keep a connection that streams large frames
    /// on its loop for as long as its peer keeps reading, ahead of every other connection
    /// there. So once a connection has handed ``Connection/bytesPerTurn`` bytes in a row, the
    /// rest waits for a timer of ``Connection/turnPause``, which the loop fires only after it
    /// has polled its other connections.
    private func resumeDrain(on channel: any Channel) {
        guard let connection, !resumeScheduled else { return }
        guard bytesThisTurn < Connection.bytesPerTurn else {
            resumeScheduled = true
            channel.eventLoop.assumeIsolated().scheduleTask(in: Connection.turnPause) {
                self.resumeScheduled = false
                self.bytesThisTurn = 0
                if channel.isWritable { self.resumeDrain(on: channel) }
            }
            return
        }
        let drained = connection.drain()
        bytesThisTurn = drained.emptied ? 0 : bytesThisTurn + drained.bytes
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
        promise?.fail(connectError(.connectionClosed))
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
