import Partisan

/// `replicated-map-tcp`: N nodes over TCP on 127.0.0.1 in this process (HyParView by default,
/// periods scaled down 5× as in `overlay-converge`) converge, each starts the replicated map
/// `bench` (Plumtree, lazy tick 200 ms, an exchange every 10 ticks), then 20 puts, one at a
/// time from node `i mod N`, each timed from the put until every node holds it. The value is
/// the median time in milliseconds; the slowest and each put's time are beside it.
enum BroadcastScenarios {
    static func replicatedMapOverTCP(_ settings: BenchSettings) async throws -> BenchResult {
        let overlay = settings.overlay
        let (nodes, convergeSeconds, _) = try await OverlayScenarios.convergedOverTCP(overlay)
        let configuration = PlumtreeConfiguration(tickInterval: .milliseconds(200), exchangeTicks: 10)
        let maps = try nodes.map { try $0.startReplicatedMap("bench", configuration: configuration) }
        let clock = ContinuousClock()
        var times: [Double] = []
        for put in 0..<20 {
            let key = "key-\(put)"
            let start = clock.now
            maps[(put * 7) % nodes.count].put(key, .integer(Int64(put)))
            while !maps.allSatisfy({ $0.get(key) != nil }) {
                guard clock.now - start < .seconds(60) else { throw OverlayBenchError("\(key) did not spread in 60 s") }
                try await Task.sleep(for: .milliseconds(1))
            }
            times.append((clock.now - start).inSeconds * 1000)
        }
        let eager = nodes.compactMap { $0.replicatedMap("bench")?.service.peers.eager.count }
        let links = nodes.map { $0.members().count - 1 }
        progress("replicated-map-tcp: \(nodes.count) nodes, put reached all in \(times) ms")
        for node in nodes { await node.shutdown() }
        let stats = Stats(times)
        return BenchResult(
            scenario: "replicated-map-tcp", value: stats.median, unit: "ms",
            details: [
                ("nodes", .number(Double(nodes.count))), ("overlay", .text(overlay.overlay)),
                ("converge_s", .number(convergeSeconds)), ("max_ms", .number(stats.percentile(100))),
                ("eager_links", .number(Double(eager.reduce(0, +)) / 2)),
                ("overlay_links", .number(Double(links.reduce(0, +)) / 2)), ("put_ms", .numbers(times)),
            ])
    }
}
