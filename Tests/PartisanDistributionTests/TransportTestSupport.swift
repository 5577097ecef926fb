import NIOCore
import NIOPosix
import PartisanCore
import PartisanTestSupport
import Synchronization

@testable import PartisanDistribution

/// A delegate that records everything the transport reports, for tests to wait on.
final class Recorder: TransportDelegate {
    struct Received: Sendable {
        let from: Node
        let channel: String
        let index: Int
        let term: Term
    }

    private struct State {
        var received: [Received] = []
        var established: [Connection] = []
        var closed: [(ConnectionInfo, TransportError?)] = []
        var failures: [HandshakeError] = []
    }

    private let state = Mutex(State())
    private let admission: @Sendable (ConnectionInfo, [Connection]) -> Admission

    init(admission: @escaping @Sendable (ConnectionInfo, [Connection]) -> Admission = { _, _ in .accept }) {
        self.admission = admission
    }

    var received: [Received] { state.withLock { $0.received } }
    var established: [Connection] { state.withLock { $0.established } }
    var closed: [(ConnectionInfo, TransportError?)] { state.withLock { $0.closed } }
    var failures: [HandshakeError] { state.withLock { $0.failures } }

    func terms(on channel: String) -> [Term] { received.filter { $0.channel == channel }.map(\.term) }

    func admit(_ connection: ConnectionInfo) -> Admission { admission(connection, established) }
    func connectionEstablished(_ connection: Connection) { state.withLock { $0.established.append(connection) } }
    func received(_ term: Term, on connection: Connection) {
        let info = connection.info
        state.withLock {
            $0.received.append(Received(from: info.peer, channel: info.channel.name, index: info.index, term: term))
        }
    }
    func connectionClosed(_ connection: Connection, error: TransportError?) {
        state.withLock { $0.closed.append((connection.info, error)) }
    }
    func handshakeFailed(_ error: HandshakeError, direction: ConnectionInfo.Direction, remoteAddress: SocketAddress?) {
        state.withLock { $0.failures.append(error) }
    }
}

/// Starts an endpoint on 127.0.0.1 with an ephemeral port.
func startEndpoint(
    _ name: String,
    cookie: Cookie = "secret",
    channels: [ChannelSpec] = ChannelSpec.standard,
    recorder: Recorder = Recorder(),
    group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    configure: (inout TransportConfiguration) -> Void = { _ in }
) async throws -> (TransportEndpoint, Recorder) {
    var configuration = TransportConfiguration(cookie: cookie)
    configuration.logger.logLevel = .warning
    configure(&configuration)
    let endpoint = try await TransportEndpoint.start(
        node: Node(validating: name), creation: UInt32.random(in: 1...UInt32.max), channels: channels,
        configuration: configuration, delegate: recorder, group: group)
    return (endpoint, recorder)
}

/// A plain TCP client with no protocol handlers, for feeding raw bytes to a listener.
func rawClient(to address: ListenAddress) async throws -> any Channel {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: address.host, port: address.port).get()
}

/// The bytes of `payload` framed with a 4-byte big-endian length.
func framed(_ payload: [UInt8]) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.writeInteger(UInt32(payload.count))
    buffer.writeBytes(payload)
    return buffer
}
