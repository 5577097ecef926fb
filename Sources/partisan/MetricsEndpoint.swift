import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Partisan
import Prometheus

/// `partisan node --metrics HOST:PORT`: the node's metrics (swift-metrics, backed by
/// swift-prometheus) served in Prometheus's text format at `GET /metrics`.
///
/// Every request gets one answer and the connection closes: 200 with the metrics for
/// `GET /metrics`, 404 for another path, 405 for another method. Requests are read by SwiftNIO's
/// HTTP/1 decoder, which bounds header sizes; a connection that has not sent a whole request
/// head within ``requestTimeout`` is closed, so idle connections cannot pile up.
enum MetricsEndpoint {
    /// How long a connection may take to send its request.
    static let requestTimeout: Duration = .seconds(10)

    /// Makes swift-prometheus the process's metrics backend (call it before any node starts,
    /// so its metrics go there), then serves them on `address`; returns the bound address.
    static func start(on address: ListenAddress) async throws -> ListenAddress {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        IdleStateHandler(readTimeout: TimeAmount(requestTimeout)))
                    try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser())
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsRequestHandler(registry: registry))
                }
            }
            .bind(host: address.host, port: address.port).get()
        return ListenAddress(host: address.host, port: server.localAddress?.port ?? address.port)
    }
}

/// Answers one HTTP request with the registry's metrics, or with an error status.
private final class MetricsRequestHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let (status, body): (HTTPResponseStatus, [UInt8]) =
            switch (request.method, request.uri.split(separator: "?").first) {
            case (.GET, "/metrics"): (.ok, registry.emitToBuffer())
            case (.GET, _): (.notFound, Array("not found: the metrics are at /metrics\n".utf8))
            default: (.methodNotAllowed, Array("only GET\n".utf8))
            }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.count)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Closes a connection that stayed silent for the idle handler's read timeout.
private final class IdleConnectionCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case IdleStateHandler.IdleStateEvent.read = event {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
