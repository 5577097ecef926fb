import PartisanCore
import PartisanDistribution
import PartisanTestSupport
import Synchronization
import Testing

/// The transport layer on its own (package API): two endpoints, a term on each channel.
@Suite struct TransportGuideTests {
    final class Printer: TransportDelegate {
        let lines = Mutex<[String]>([])
        func received(_ term: Term, on connection: Connection) {
            lines.withLock { $0.append("\(connection.info.peer) on \(connection.info.channel.name): \(term)") }
        }
    }

    @Test func the_guide_example_runs() async throws {
        let printer = Printer()
        var config = TransportConfiguration(cookie: "secret")
        config.logger.logLevel = .warning
        let a = try await TransportEndpoint.start(
            node: "guide-a@127.0.0.1", creation: 1, port: 0, configuration: config, delegate: Printer())
        let b = try await TransportEndpoint.start(
            node: "guide-b@127.0.0.1", creation: 1, port: 0, configuration: config, delegate: printer)
        let toB = try await a.connect(to: b.listenAddress, expecting: b.node)
        try toB.send(.tuple([.atom("hello"), 1]), key: 0)
        try toB.send("heartbeat", on: ChannelSpec.membership.name, key: 0)
        try await eventually { printer.lines.withLock { $0.count } == 2 }
        #expect(printer.lines.withLock { $0.filter { $0.hasPrefix("guide-a@127.0.0.1 on default:") } }.count == 1)
        await a.shutdown()
        await b.shutdown()
    }
}
