import Partisan
import PartisanSimulation

/// One `broadcast-after-failures --broadcast plumtree` run: Plumtree over a converged
/// HyParView overlay in the simulator, with Partisan's periods by default (lazy tick 1 s,
/// `--lazy-tick`; an exchange every 10 ticks).
enum PlumtreeFailureRun {
    /// Converges the overlay, prunes the tree with three warm-up broadcasts, kills `percent` %
    /// of the nodes, then broadcasts at once, 1, 5 and 10 s later (as the flood does), and runs
    /// 10 s more for the repairs.
    static func run(_ overlay: OverlaySettings, killing percent: Int, detection: Duration) throws
        -> OverlayFailureScenarios.Outcome
    {
        let (simulator, _) = try OverlayScenarios.convergedSimulator(overlay, failureDetection: detection)
        let trees = PlumtreeSimulation(overlay: simulator, tickInterval: overlay.lazyTick, exchangeTicks: 10) {
            LWWMap(origin: simulator.spec(of: $0).node)
        }
        for warmUp in 0..<3 {
            put("warm-up-\(warmUp)", at: warmUp * simulator.nodeCount / 3, in: trees)
            trees.run(for: .seconds(2))
        }
        let sentBefore = trees.sent
        let (sender, survivors) = OverlayFailureScenarios.kill(percent, of: simulator, seed: overlay.seed)
        var shares: [Double] = []
        var hops: [Double] = []
        var keys: [String] = []
        for (round, wait) in OverlayFailureScenarios.waits.enumerated() {
            trees.run(for: wait)
            let first = trees.deliveries.count
            keys.append("round-\(round)")
            put(keys[round], at: sender, in: trees)
            trees.run(for: .seconds(1))
            let arrivals = trees.deliveries[first...].filter {
                simulator.isAlive($0.node) && key(of: $0.id) == keys[round]
            }
            shares.append(Double(Set(arrivals.map(\.node)).count) / Double(survivors))
            hops.append(Double(arrivals.map(\.round).max() ?? 0))
        }
        trees.run(for: .seconds(10))
        let finalShares = keys.map { key in
            Double(
                (0..<simulator.nodeCount).filter { simulator.isAlive($0) && trees.tree(of: $0).handler[key] != nil }
                    .count)
                / Double(survivors)
        }
        var messages = trees.sent
        for (kind, count) in sentBefore { messages[kind, default: 0] -= count }
        return .init(shares: shares, hops: hops, finalShares: finalShares, messages: messages)
    }

    private static func put(_ key: String, at i: Int, in trees: PlumtreeSimulation<LWWMap>) {
        trees.drive(i) { tree in
            let write = tree.handler.put(key, .atom("value"))
            return tree.broadcast(id: write.id, payload: write.payload)
        }
    }

    private static func key(of id: Term) -> String? {
        guard let fields = id.tupleValue, case .binary(let bytes)? = fields.first else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
