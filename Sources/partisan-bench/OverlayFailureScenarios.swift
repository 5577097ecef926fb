import Partisan
import PartisanSimulation

/// `broadcast-after-failures` (the HyParView paper's reliability figure): N nodes converge in
/// the simulator, then 10 %, 30 % and 50 % of them (each in a fresh run) are killed at once and
/// a broadcast goes out at once, then again 1 s, 5 s and 10 s later while the overlay heals.
/// Reports, per failure rate, the share of surviving nodes each broadcast reached within 1 s
/// and its largest hop count, with failures noticed after 10 ms (`reset`) and after 3 s
/// (`silent`), and the messages the broadcasts cost; the value is the first broadcast's share
/// at 50 %, `silent`.
///
/// `--broadcast plumtree` (the default) runs Plumtree (``PlumtreeSimulation``) on the
/// overlay's members, with Partisan's periods (lazy tick 1 s, exchange every 10 s), after three
/// warm-up broadcasts have pruned its eager links to a tree; it also reports the share each
/// broadcast reached by the end of the run (GRAFTs and exchanges repair the tree), and the
/// messages by kind. `--broadcast flood` floods HyParView's active views
/// (``HyParViewMembership/broadcast(_:)``), one message per link.
enum OverlayFailureScenarios {
    /// What one run (one failure rate) measured.
    struct Outcome {
        /// Share of survivors each broadcast reached within 1 s.
        var shares: [Double]
        /// Largest hop count of each broadcast.
        var hops: [Double]
        /// Share of survivors each broadcast reached by the end of the run (Plumtree only).
        var finalShares: [Double]?
        /// Broadcast messages sent from the failure to the end of the run, per kind.
        var messages: [String: Int]
    }

    static func broadcastAfterFailures(_ settings: BenchSettings) async throws -> BenchResult {
        var overlay = settings.overlay
        guard overlay.transport == "memory", overlay.overlay == "hyparview" else {
            throw OverlayBenchError("broadcast-after-failures runs with --overlay hyparview --transport memory")
        }
        guard ["plumtree", "flood"].contains(overlay.broadcast) else {
            throw OverlayBenchError("--broadcast is plumtree or flood")
        }
        overlay.graphOut = nil
        var result = BenchResult(scenario: "broadcast-after-failures", value: .nan, unit: "share")
        result.details = [
            ("nodes", .number(Double(overlay.nodes))), ("overlay", .text("hyparview")),
            ("broadcast", .text(overlay.broadcast)),
        ]
        if overlay.broadcast == "plumtree" {
            result.details.append(("lazy_tick_s", .number(overlay.lazyTick.inSeconds)))
        }
        // Peers notice a death after 10 ms (a killed process: its sockets reset) or 3 s (a lost
        // host: the heartbeat timeout, `MembershipConfiguration.suspectAfter`).
        for (label, detection) in [("reset", Duration.milliseconds(10)), ("silent", .seconds(3))] {
            for percent in [10, 30, 50] {
                let outcome =
                    overlay.broadcast == "flood"
                    ? try flood(overlay, killing: percent, detection: detection)
                    : try PlumtreeFailureRun.run(overlay, killing: percent, detection: detection)
                progress(
                    "broadcast-after-failures (\(overlay.broadcast)): \(percent)% killed, \(label): reached "
                        + "\(outcome.shares), finally \(outcome.finalShares ?? []), max hops \(outcome.hops), "
                        + "messages \(outcome.messages.sorted { $0.key < $1.key })")
                let prefix = "\(label)_killed_\(percent)"
                result.details += [
                    ("\(prefix)_reached", .numbers(outcome.shares)), ("\(prefix)_max_hops", .numbers(outcome.hops)),
                ]
                if let finalShares = outcome.finalShares {
                    result.details.append(("\(prefix)_reached_finally", .numbers(finalShares)))
                }
                for (kind, count) in outcome.messages.sorted(by: { $0.key < $1.key }) {
                    result.details.append(("\(prefix)_messages_\(kind)", .number(Double(count))))
                }
                if percent == 50, label == "silent" {
                    result = BenchResult(
                        scenario: result.scenario, value: outcome.shares[0], unit: "share", details: result.details)
                }
            }
        }
        result.details.append(("rounds_at_s", .numbers([0, 1, 5, 10])))
        return result
    }

    /// The waits before each broadcast (each is followed by 1 s of delivery): broadcasts at
    /// about 0, 1, 5 and 10 s after the failure.
    static let waits: [Duration] = [.zero, .seconds(1), .seconds(4), .seconds(5)]

    /// Kills `percent` % of a converged overlay and floods at once, then 1, 5 and 10 s later.
    static func flood(_ overlay: OverlaySettings, killing percent: Int, detection: Duration) throws -> Outcome {
        let (simulator, _) = try OverlayScenarios.convergedSimulator(overlay, failureDetection: detection)
        let (sender, _) = kill(percent, of: simulator, seed: overlay.seed)
        let floodsBefore = simulator.messagesSentByKind["broadcast", default: 0]
        var shares: [Double] = []
        var hops: [Double] = []
        for (round, wait) in waits.enumerated() {
            simulator.run(for: wait)
            let first = simulator.deliveries.count
            simulator.broadcast(.tuple([.atom("round"), Term(integer: round)]), from: sender)
            simulator.run(for: .seconds(1))
            let arrivals = simulator.deliveries[first...].filter { simulator.isAlive($0.node) }
            shares.append(Double(Set(arrivals.map(\.node)).count) / Double(survivors(of: simulator)))
            hops.append(Double(arrivals.map(\.hops).max() ?? 0))
        }
        let floods = simulator.messagesSentByKind["broadcast", default: 0] - floodsBefore
        return Outcome(shares: shares, hops: hops, messages: ["broadcast": floods])
    }

    /// Kills `percent` % of `simulator`'s nodes, chosen with `seed`; returns a survivor to
    /// broadcast from and the survivors' count.
    static func kill(_ percent: Int, of simulator: OverlaySimulator, seed: UInt64) -> (sender: Int, survivors: Int) {
        var rng = SplitMix64(seed: seed &+ UInt64(percent))
        var order = Array(0..<simulator.nodeCount)
        order.shuffle(using: &rng)
        for victim in order.prefix(simulator.nodeCount * percent / 100) { simulator.kill(victim) }
        return (order.last!, survivors(of: simulator))
    }

    static func survivors(of simulator: OverlaySimulator) -> Int {
        (0..<simulator.nodeCount).filter(simulator.isAlive).count
    }
}
