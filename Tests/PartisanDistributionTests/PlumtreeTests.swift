import PartisanCore
import PartisanDistribution
import PartisanSimulation
import Testing

/// Plumtree on HyParView in the in-memory simulator: a broadcast reaches every node once, the
/// eager links shrink to a spanning tree, GRAFT repairs the tree after failures, anti-entropy
/// and IHAVE converge a last-writer-wins map under loss, and the messages round-trip.
@Suite struct PlumtreeTests {
    /// A converged HyParView overlay of `count` nodes with a tree on each, over ``LWWMap``s.
    static func cluster(_ count: Int, seed: UInt64 = 11, lossRate: Double = 0) -> PlumtreeSimulation<LWWMap> {
        let simulator = OverlaySimulator(configuration: .init(seed: seed, lossRate: lossRate))
        simulator.addNodes(count, overlay: .hyParView(HyParViewSimulationTests.fast))
        for i in 1..<count {
            simulator.join(i, through: 0)
            simulator.run(for: .milliseconds(10))
        }
        let took = simulator.run(upTo: .seconds(30)) { HyParViewSimulationTests.converged($0, minimum: 3) }
        #expect(took != nil)
        return PlumtreeSimulation(overlay: simulator) { LWWMap(origin: simulator.spec(of: $0).node) }
    }

    /// Writes `key` = `value` at node `i` and broadcasts it; returns the message id.
    @discardableResult
    static func put(_ simulation: PlumtreeSimulation<LWWMap>, at i: Int, _ key: String, _ value: Term) -> Term {
        var id: Term = .atom("none")
        simulation.drive(i) { tree in
            let write = tree.handler.put(key, value)
            id = write.id
            return tree.broadcast(id: write.id, payload: write.payload)
        }
        return id
    }

    static func alive(_ simulation: PlumtreeSimulation<LWWMap>) -> [Int] {
        (0..<simulation.overlay.nodeCount).filter { simulation.overlay.isAlive($0) }
    }

    static func deliveries(of id: Term, in simulation: PlumtreeSimulation<LWWMap>) -> [Int: Int] {
        simulation.deliveries.filter { $0.id == id }.reduce(into: [:]) { $0[$1.node, default: 0] += 1 }
    }

    /// Undirected links eager at either end, over alive nodes.
    static func eagerLinks(_ simulation: PlumtreeSimulation<LWWMap>) -> Set<[Int]> {
        var links: Set<[Int]> = []
        for i in alive(simulation) {
            for peer in simulation.tree(of: i).eagerPeers {
                guard let j = simulation.overlay.index(of: peer), simulation.overlay.isAlive(j) else { continue }
                links.insert([min(i, j), max(i, j)])
            }
        }
        return links
    }

    /// The example of Guides/Overlays.md, as written there.
    @Test func the_guide_example_runs() {
        let overlay = OverlaySimulator(configuration: .init(seed: 11, lossRate: 0.05))
        overlay.addNodes(32, overlay: .hyParView())
        for i in 1..<32 { overlay.join(i, through: 0) }
        overlay.run(for: .seconds(20))  // simulated time: the overlay settles
        let broadcast = PlumtreeSimulation(overlay: overlay) { LWWMap(origin: overlay.spec(of: $0).node) }
        broadcast.drive(0) { tree in
            let write = tree.handler.put("config", .integer(1))
            return tree.broadcast(id: write.id, payload: write.payload)
        }
        broadcast.run(for: .seconds(1))
        for i in 0..<32 { #expect(broadcast.tree(of: i).handler["config"] == .integer(1)) }
    }

    @Test func a_broadcast_reaches_every_node_exactly_once() {
        let simulation = Self.cluster(32)
        let id = Self.put(simulation, at: 0, "a", .integer(1))
        simulation.run(for: .seconds(1))
        let counts = Self.deliveries(of: id, in: simulation)
        #expect(counts.count == 32)
        #expect(counts.values.allSatisfy { $0 == 1 })
        for i in 0..<32 { #expect(simulation.tree(of: i).handler["a"] == .integer(1)) }
    }

    @Test func redundant_links_are_pruned_to_a_spanning_tree() {
        let simulation = Self.cluster(32)
        let graph = simulation.overlay.memberGraph()
        let links = graph.nodes.reduce(0) { $0 + graph.neighbours(of: $1).count } / 2
        for round in 0..<5 {
            Self.put(simulation, at: 0, "k\(round)", .integer(Int64(round)))
            simulation.run(for: .seconds(1))
        }
        let gossipBefore = simulation.sent["gossip", default: 0]
        let id = Self.put(simulation, at: 0, "last", .integer(0))
        simulation.run(for: .seconds(1))
        let gossip = simulation.sent["gossip", default: 0] - gossipBefore
        let eager = Self.eagerLinks(simulation).count
        #expect(Self.deliveries(of: id, in: simulation).count == 32)
        #expect(links > 40)
        #expect(eager >= 31 && eager <= 34, "eager links \(eager) of \(links)")
        #expect(gossip >= 31 && gossip <= 36, "gossip messages \(gossip)")
    }

    @Test func graft_repairs_delivery_after_killing_thirty_percent() {
        let simulation = Self.cluster(40, seed: 5)
        for round in 0..<3 {
            Self.put(simulation, at: 0, "warm\(round)", .integer(0))
            simulation.run(for: .seconds(1))
        }
        var rng = SplitMix64(seed: 99)
        var victims: Set<Int> = []
        while victims.count < 12 { victims.insert(1 + Int(rng.next() % 39)) }
        for i in victims.sorted() { simulation.overlay.kill(i) }
        let graftsBefore = simulation.sent["graft", default: 0]
        let id = Self.put(simulation, at: 0, "after", .integer(1))
        simulation.run(for: .seconds(5))
        let counts = Self.deliveries(of: id, in: simulation)
        #expect(Set(counts.keys) == Set(Self.alive(simulation)))
        #expect(counts.values.allSatisfy { $0 == 1 })
        #expect(simulation.sent["graft", default: 0] > graftsBefore)
    }

    @Test func under_loss_every_node_converges_to_the_same_map() {
        let simulation = Self.cluster(24, seed: 3, lossRate: 0.05)
        for w in 0..<20 {
            Self.put(simulation, at: (w * 7) % 24, "key\(w % 8)", .integer(Int64(w)))
            simulation.run(for: .milliseconds(50))
        }
        simulation.run(for: .seconds(10))
        #expect(simulation.lost > 0)
        let reference = simulation.tree(of: 0).handler
        #expect(reference.values.count == 8)
        for i in Self.alive(simulation) { #expect(simulation.tree(of: i).handler == reference, "node \(i)") }
    }

    @Test func same_seed_same_run() {
        func run() -> [String] {
            let simulation = Self.cluster(16, seed: 21, lossRate: 0.05)
            for w in 0..<5 {
                Self.put(simulation, at: w * 3, "k\(w)", .integer(Int64(w)))
                simulation.run(for: .milliseconds(300))
            }
            return simulation.deliveries.map { "\($0.node) \($0.id) \($0.round)" }
        }
        #expect(run() == run())
    }

    @Test func duplicates_prune_announcements_graft_and_grafts_are_answered() {
        let a: Node = "a@host"
        let b: Node = "b@host"
        let c: Node = "c@host"
        var tree = Plumtree(node: a, neighbors: [b, c], handler: LWWMap(origin: a), rng: SplitMix64(seed: 1))
        #expect(tree.eagerPeers == [b, c])
        let write = LWWMap(origin: b).put("x", .integer(1))
        // New from b: delivered, pushed to c only.
        let first = tree.handle(.gossip(id: write.id, payload: write.payload, round: 1), from: b)
        #expect(first.delivered.count == 1)
        #expect(first.messages.map(\.to) == [c])
        #expect(first.messages.first?.message == .gossip(id: write.id, payload: write.payload, round: 2))
        // The same from c: a duplicate, c becomes lazy and is pruned.
        let duplicate = tree.handle(.gossip(id: write.id, payload: write.payload, round: 3), from: c)
        #expect(duplicate.delivered.isEmpty)
        #expect(duplicate.messages.map(\.to) == [c] && duplicate.messages.first?.message == .prune)
        #expect(tree.lazyPeers == [c] && tree.eagerPeers == [b])
        // A new write from a goes eagerly to b; c hears of it at the next tick.
        let own = tree.handler.put("y", .integer(2))
        #expect(tree.broadcast(id: own.id, payload: own.payload).messages.map(\.to) == [b])
        #expect(tree.tick().messages.contains { $0.to == c && $0.message == .iHave(id: own.id, round: 1) })
        // c announces something a lacks: after the timeout, a grafts c (now eager).
        let other = LWWMap(origin: c).put("z", .integer(3))
        #expect(tree.handle(.iHave(id: other.id, round: 1), from: c).messages.isEmpty)
        #expect(tree.missing == [other.id])
        let graft = tree.tick()
        #expect(graft.messages.map(\.to) == [c] && graft.messages.first?.message == .graft(id: other.id, round: 1))
        #expect(tree.eagerPeers == [b, c])
        // b grafts a for y: a sends it and keeps b eager; a prune from b makes it lazy.
        let answer = tree.handle(.graft(id: own.id, round: 4), from: b)
        #expect(answer.messages.first?.message == .gossip(id: own.id, payload: own.payload, round: 5))
        _ = tree.handle(.prune, from: b)
        #expect(tree.lazyPeers == [b])
        // The overlay loses b and gains d: d is eager, b is gone.
        let d: Node = "d@host"
        tree.neighborsChanged([c, d])
        #expect(tree.eagerPeers == [c, d] && tree.lazyPeers.isEmpty)
    }

    @Test func messages_round_trip_through_terms() {
        let id: Term = .tuple([.binary(Array("k".utf8)), .integer(3), .atom("sim1@memory")])
        let messages: [PlumtreeMessage] = [
            .gossip(id: id, payload: .list([.integer(1)]), round: 4), .iHave(id: id, round: 2),
            .graft(id: id, round: 1), .prune, .exchange(summary: .list([id])), .exchangeReply(summary: .list([])),
            .missing(id: id, payload: .atom("v")),
        ]
        for message in messages { #expect(PlumtreeMessage(term: message.term) == message) }
        #expect(PlumtreeMessage(term: .tuple([.atom("gossip"), id])) == nil)
        #expect(PlumtreeMessage(term: .atom("other")) == nil)
    }

    @Test func lww_map_keeps_the_newest_write_and_exchanges_what_is_missing() {
        var a = LWWMap(origin: "a@host")
        var b = LWWMap(origin: "b@host")
        let first = a.put("x", .integer(1))
        let fresh = a.merge(id: first.id, payload: first.payload)
        let again = a.merge(id: first.id, payload: first.payload)
        #expect(fresh && !again)
        #expect(a.isStale(first.id))
        let second = a.put("x", .integer(2))
        let newer = b.merge(id: second.id, payload: second.payload)
        let older = b.merge(id: first.id, payload: first.payload)
        #expect(newer && !older)
        #expect(b.payload(for: first.id) == nil)
        let missing = b.missing(from: a.exchangeSummary())
        #expect(missing.count == 1)
        for (id, payload) in missing {
            let merged = a.merge(id: id, payload: payload)
            #expect(merged)
        }
        #expect(a == b)
        #expect(a["x"] == .integer(2))
        #expect(b.missing(from: a.exchangeSummary()).isEmpty)
    }
}
