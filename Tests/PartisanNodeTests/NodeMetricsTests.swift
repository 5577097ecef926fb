import Metrics
import MetricsTestKit
import Partisan
import PartisanTestSupport
import Testing

/// The metrics a node emits (Guides/Cluster.md lists them), each node into a factory of its
/// own (`Configuration.metrics.factory`), so nothing is bootstrapped process-wide.
@Suite struct NodeMetricsTests {
    static let cookie: Cookie = "a secret for metrics"

    /// Starts node `name` whose metrics go to `metrics`, sampled every 50 ms.
    func startNode(_ name: Node, metrics: TestMetrics) async throws -> PartisanNode {
        var configuration = PartisanNode.Configuration(name: name, cookie: Self.cookie)
        configuration.metrics.factory = metrics
        configuration.metrics.sampleInterval = .milliseconds(50)
        return try await PartisanNode.start(configuration)
    }

    @Test func traffic_calls_members_and_connections_are_measured() async throws {
        let (metricsA, metricsB) = (TestMetrics(), TestMetrics())
        let a = try await startNode("metrics-a@127.0.0.1", metrics: metricsA)
        let b = try await startNode("metrics-b@127.0.0.1", metrics: metricsB)
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        try await a.join(try #require(b.listenAddress))
        a.registerMessageTypes(of: RemoteStore.self)
        b.registerMessageTypes(of: RemoteStore.self)
        let local = try await b.runtime.startGenServer(RemoteStore())
        let remote = GenServerRef<RemoteStore>(pid: local.pid!, on: a.runtime)
        for value in 1...5 { #expect(try await remote.call(.put(value)) == value) }
        for _ in 1...3 { #expect(try await local.call(.get) == 5) }

        let node = ("node", a.name.name)
        #expect(try metricsA.expectTimer(MetricName.callDuration, [node, ("destination", "remote")]).values.count == 5)
        let localCalls = try metricsB.expectTimer(
            MetricName.callDuration, [("node", b.name.name), ("destination", "local")])
        #expect(localCalls.values.count == 3 && localCalls.values.allSatisfy { $0 > 0 })

        let channel = ("channel", "default")
        try await eventually {
            let sent = try? metricsA.expectCounter(MetricName.framesSent, [node, channel]).totalValue
            let received = try? metricsA.expectCounter(MetricName.framesReceived, [node, channel]).totalValue
            return (sent ?? 0) >= 5 && (received ?? 0) >= 5
        }
        #expect(try metricsA.expectCounter(MetricName.bytesSent, [node, channel]).totalValue > 5 * 4)
        try await eventually {
            (try? metricsA.expectGauge(MetricName.members, [node, ("state", "member")]).lastValue) == 2
                && (try? metricsA.expectGauge(MetricName.connections, [node, channel]).lastValue) ?? 0 >= 1
                && (try? metricsA.expectGauge(MetricName.processes, [node]).lastValue) ?? 0 >= 1
        }
    }

    @Test func failed_handshakes_and_long_mailboxes_are_measured() async throws {
        let metrics = TestMetrics()
        let node = try await startNode("metrics-c@127.0.0.1", metrics: metrics)
        let stranger = try await PartisanTestSupport.startNode("metrics-stranger@127.0.0.1", cookie: "another secret")
        defer {
            Task {
                await stranger.shutdown()
                await node.shutdown()
            }
        }
        await #expect(throws: (any Error).self) { try await stranger.connect(to: try #require(node.listenAddress)) }
        let failures = try metrics.expectCounter(
            MetricName.handshakeFailures,
            [("node", node.name.name), ("reason", "bad_cookie"), ("direction", "inbound")])
        #expect(failures.totalValue >= 1)

        // A process that never reads: its mailbox grows to 100.
        let idle = node.spawn { ctx in _ = try await ctx.receive(String.self) }
        for index in 0..<100 { node.send(index, to: idle) }
        try await eventually {
            (try? metrics.expectGauge(MetricName.mailboxHighWater, [("node", node.name.name)]).values.max()) ?? 0
                >= 100
        }
    }
}
