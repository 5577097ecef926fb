import NIOCore
import NIOEmbedded
import PartisanCore
import Synchronization
import Testing

@testable import PartisanDistribution

/// ``ConnectionPipeline`` installs a node's connection handlers on any channel: two embedded
/// channels whose bytes are carried across run a real handshake.
@Suite struct ConnectionPipelineTests {
    final class Outcomes: TransportDelegate {
        let established = Mutex<[Node]>([])
        let failures = Mutex<[HandshakeError]>([])

        func connectionEstablished(_ connection: Connection) {
            established.withLock { $0.append(connection.info.peer) }
        }

        func handshakeFailed(
            _ error: HandshakeError, direction: ConnectionInfo.Direction, remoteAddress: SocketAddress?
        ) {
            failures.withLock { $0.append(error) }
        }
    }

    /// Runs a dialler `b` with `diallerCookie` against an acceptor `a` with the cookie `a`.
    func handshake(diallerCookie: Cookie) throws -> Outcomes {
        let outcomes = Outcomes()
        let acceptor = EmbeddedChannel()
        let dialler = EmbeddedChannel()
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 4370)
        let sides: [(EmbeddedChannel, Node, Cookie, ConnectionPipeline.Role)] = [
            (acceptor, "a@127.0.0.1", "a", .acceptor),
            (dialler, "b@127.0.0.1", diallerCookie, .dialler(channel: .default, index: 0, expected: "a@127.0.0.1")),
        ]
        for (channel, node, cookie, role) in sides {
            try ConnectionPipeline.install(
                on: channel,
                spec: NodeSpec(node: node, listenAddresses: [ListenAddress(host: "127.0.0.1", port: 4370)]),
                creation: 1, configuration: TransportConfiguration(cookie: cookie), delegate: outcomes, role: role)
            channel.connect(to: address, promise: nil)
        }
        var moved = true
        while moved {
            moved = false
            while let bytes = try dialler.readOutbound(as: ByteBuffer.self) {
                _ = try? acceptor.writeInbound(bytes)
                moved = true
            }
            while let bytes = try acceptor.readOutbound(as: ByteBuffer.self) {
                _ = try? dialler.writeInbound(bytes)
                moved = true
            }
        }
        _ = try acceptor.finish(acceptAlreadyClosed: true)
        _ = try dialler.finish(acceptAlreadyClosed: true)
        return outcomes
    }

    @Test func two_pipelines_with_the_same_cookie_establish_a_connection() throws {
        let outcomes = try handshake(diallerCookie: "a")
        #expect(outcomes.established.withLock { $0.sorted() } == ["a@127.0.0.1", "b@127.0.0.1"])
        #expect(outcomes.failures.withLock { $0.isEmpty })
    }

    @Test func a_dialler_with_another_cookie_is_refused() throws {
        let outcomes = try handshake(diallerCookie: "b")
        #expect(outcomes.established.withLock { $0.isEmpty })
        #expect(outcomes.failures.withLock { $0.count } == 2)
    }
}
