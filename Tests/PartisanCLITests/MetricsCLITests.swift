import Foundation
import PartisanTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `partisan node --metrics HOST:PORT`: the node's metrics read by HTTP from the Prometheus
/// endpoint of a real node process.
@Suite(.serialized) struct MetricsCLITests {
    /// The status and body of `GET url`.
    static func get(_ url: URL) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The value of the sample `name` whose labels include every one of `labels`, in the
    /// Prometheus text format `body`; `nil` when there is none.
    static func sample(_ name: String, _ labels: [String: String], in body: String) -> Double? {
        for line in body.split(separator: "\n") where line.hasPrefix(name + "{") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, labels.allSatisfy({ line.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            return Double(parts[1])
        }
        return nil
    }

    @Test func a_node_serves_its_metrics_for_prometheus() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a", extra: ["--metrics", "127.0.0.1:0"])
        try await eventually(timeout: .seconds(30), "\(a.name) prints its metrics line") {
            a.process.stdout.contains("metrics http://")
        }
        let line = try #require(a.process.stdout.split(separator: "\n").first { $0.hasPrefix("metrics ") })
        let url = try #require(URL(string: String(line.dropFirst("metrics ".count))))
        #expect(url.path == "/metrics")

        let b = try await cluster.start("b", join: [a.address])
        // A client with the wrong cookie is refused, and counted.
        let stranger = try await CLIProcess.run(["members", "--node", a.address, "--cookie", "not the cookie"])
        #expect(stranger.status == 2)

        let node = ["node": a.name]
        try await eventually(timeout: .seconds(30), "\(a.name) reports \(b.name) and the traffic") {
            guard let (status, body) = try? await Self.get(url), status == 200 else { return false }
            return Self.sample("partisan_members", node.merging(["state": "member"]) { $1 }, in: body) == 2
                && Self.sample("partisan_connections", node.merging(["channel": "default"]) { $1 }, in: body) ?? 0 >= 1
                && Self.sample(
                    "partisan_frames_received_total", node.merging(["channel": "membership"]) { $1 }, in: body)
                    ?? 0 > 0
                && Self.sample(
                    "partisan_handshake_failures_total",
                    node.merging(["reason": "bad_cookie", "direction": "inbound"]) { $1 }, in: body) ?? 0 >= 1
        }
        let (_, body) = try await Self.get(url)
        for name in [
            "partisan_processes", "partisan_mailbox_length_high_water", "partisan_rpc_calls_in_flight",
            "partisan_send_queue_messages", "partisan_send_queue_bytes", "partisan_bytes_sent_total",
        ] {
            #expect(Self.sample(name, node, in: body) != nil, "\(name) missing from \(body)")
        }
        #expect(body.contains("# TYPE partisan_call_duration_seconds histogram"))
        // Anything but GET /metrics gets a clear status.
        #expect(try await Self.get(url.deletingLastPathComponent().appendingPathComponent("other")).status == 404)
    }
}
