import Partisan

/// `broadcast-after-failures` (the HyParView paper's reliability figure): N nodes converge in
/// the simulator, then 10 %, 30 % and 50 % of them (each in a fresh run) are killed at once and
/// a broadcast floods the active views at once, then again 1 s, 5 s and 10 s later while the
/// overlay heals. Reports, per failure rate, the share of surviving nodes each broadcast
/// reached and its largest hop count, with failures noticed after 10 ms (`reset`) and after
/// 3 s (`silent`); the value is the first broadcast's share at 50 %, `silent`.
///
/// The broadcast is HyParView's own flood over the active views
/// (``HyParViewMembership/broadcast(_:)``), not Plumtree (which does not exist yet).
enum OverlayFailureScenarios {
    static func broadcastAfterFailures(_ settings: BenchSettings) async throws -> BenchResult {
        var overlay = settings.overlay
        guard overlay.transport == "memory", overlay.overlay == "hyparview" else {
            throw OverlayBenchError("broadcast-after-failures runs with --overlay hyparview --transport memory")
        }
        overlay.graphOut = nil
        var result = BenchResult(scenario: "broadcast-after-failures", value: .nan, unit: "share")
        result.details = [("nodes", .number(Double(overlay.nodes))), ("overlay", .text("hyparview"))]
        // Peers notice a death after 10 ms (a killed process: its sockets reset) or 3 s (a lost
        // host: the heartbeat timeout, `MembershipConfiguration.suspectAfter`).
        for (label, detection) in [("reset", Duration.milliseconds(10)), ("silent", .seconds(3))] {
            for percent in [10, 30, 50] {
                let (shares, hops) = try run(overlay, killing: percent, detection: detection)
                progress("broadcast-after-failures: \(percent)% killed, \(label): reached \(shares), max hops \(hops)")
                result.details += [
                    ("\(label)_killed_\(percent)_reached", .numbers(shares)),
                    ("\(label)_killed_\(percent)_max_hops", .numbers(hops)),
                ]
                if percent == 50, label == "silent" {
                    result = BenchResult(
                        scenario: result.scenario, value: shares[0], unit: "share", details: result.details)
                }
            }
        }
        result.details.append(("rounds_at_s", .numbers([0, 1, 5, 10])))
        return result
    }

    /// Kills `percent` % of a converged overlay and broadcasts at once, then 1, 5 and 10 s later;
    /// returns the share of survivors each broadcast reached and its largest hop count.
    static func run(_ overlay: OverlaySettings, killing percent: Int, detection: Duration) throws -> (
        [Double], [Double]
    ) {
        let (simulator, _) = try OverlayScenarios.convergedSimulator(overlay, failureDetection: detection)
        var rng = SplitMix64(seed: overlay.seed &+ UInt64(percent))
        var order = Array(0..<overlay.nodes)
        order.shuffle(using: &rng)
        for victim in order.prefix(overlay.nodes * percent / 100) { simulator.kill(victim) }
        let sender = order.last!
        var shares: [Double] = []
        var hops: [Double] = []
        for (round, wait) in [Duration.zero, .seconds(1), .seconds(4), .seconds(5)].enumerated() {
            simulator.run(for: wait)
            let first = simulator.deliveries.count
            simulator.broadcast(.tuple([.atom("round"), Term(integer: round)]), from: sender)
            simulator.run(for: .seconds(1))
            let arrivals = simulator.deliveries[first...].filter { simulator.isAlive($0.node) }
            let survivors = (0..<overlay.nodes).filter(simulator.isAlive).count
            shares.append(Double(Set(arrivals.map(\.node)).count) / Double(survivors))
            hops.append(Double(arrivals.map(\.hops).max() ?? 0))
        }
        return (shares, hops)
    }
}
