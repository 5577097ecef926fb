import NIOCore
import NIOPosix
import PartisanCore
import PartisanTestSupport
import Synchronization

@testable import PartisanDistribution

/// A hand-driven end of a connection that speaks frames but no protocol: what an attacker (or
/// a test playing one side of the handshake) holds. It records the frames it receives and
/// whether the connection closed.
final class RawPeer: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let peer: RawPeer
        init(_ peer: RawPeer) { self.peer = peer }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = Array(unwrapInboundIn(data).readableBytesView)
            peer.state.withLock { $0.frames.append(frame) }
        }
        func channelInactive(context: ChannelHandlerContext) { peer.state.withLock { $0.closed = true } }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    private struct State {
        var frames: [[UInt8]] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let channelSlot = Mutex<(any Channel)?>(nil)

    /// The frames received so far, in order.
    var frames: [[UInt8]] { state.withLock { $0.frames } }
    /// Whether the connection closed.
    var isClosed: Bool { state.withLock { $0.closed } }
    var channel: any Channel { channelSlot.withLock { $0! } }

    private init() {}

    /// Installs a frame decoder and this peer's collector on `channel`.
    private func install(on channel: any Channel) throws {
        channelSlot.withLock { $0 = channel }
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(FrameDecoder(maxFrameSize: 1 << 20)), Collector(self),
        ])
    }

    /// Connects to a listener.
    static func connect(to address: ListenAddress) async throws -> RawPeer {
        let peer = RawPeer()
        _ = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try peer.install(on: channel) } }
            .connect(host: address.host, port: address.port).get()
        return peer
    }

    /// Listens on 127.0.0.1 and hands each accepted connection to `accepted`.
    static func listen(_ accepted: @escaping @Sendable (RawPeer) -> Void) async throws -> (
        server: any Channel, address: ListenAddress
    ) {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let peer = RawPeer()
                    try peer.install(on: channel)
                    accepted(peer)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return (server, ListenAddress(host: "127.0.0.1", port: server.localAddress!.port!))
    }

    /// Sends `payload` as one frame.
    func send(frame payload: [UInt8]) {
        channel.writeAndFlush(framed(payload), promise: nil)
    }

    /// Sends `message` as one frame and returns the frame's payload.
    @discardableResult
    func send(_ message: HandshakeMessage) throws -> [UInt8] {
        let payload = try ETF.encode(message.term)
        send(frame: payload)
        return payload
    }

    /// Waits for frame number `index` (from 0) and returns it.
    func frame(_ index: Int, _ what: String = "a frame") async throws -> [UInt8] {
        try await eventually(what) { frames.count > index || isClosed }
        guard frames.count > index else { throw ConnectionClosedBefore(what: what) }
        return frames[index]
    }

    /// Waits for frame number `index` and reads it as a handshake message.
    func message(_ index: Int, _ what: String = "a handshake message") async throws -> HandshakeMessage {
        try HandshakeMessage(term: ETF.decode(try await frame(index, what)))
    }

    /// Waits until the connection is closed.
    func waitClosed(_ what: String = "the connection closed") async throws {
        try await eventually(what) { isClosed }
    }
}

/// The connection closed before the frame a test waited for arrived.
struct ConnectionClosedBefore: Error, CustomStringConvertible {
    let what: String
    var description: String { "the connection closed before \(what)" }
}
