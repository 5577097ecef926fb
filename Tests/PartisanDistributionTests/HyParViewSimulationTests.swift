import PartisanCore
import PartisanDistribution
import PartisanSimulation
import Testing

/// HyParView in the in-memory simulator: the overlay converges to small, symmetric, connected
/// active views, repairs itself from the passive view after failures, forwards through the
/// overlay, and is reproducible from its seed.
@Suite struct HyParViewSimulationTests {
    static let fast = HyParViewConfiguration(shuffleInterval: .seconds(2), randomPromotionInterval: .seconds(1))

    /// `count` nodes joining through node 0, one every 10 ms.
    static func cluster(
        _ count: Int, seed: UInt64 = 7, configuration: HyParViewConfiguration = fast, lossRate: Double = 0
    ) -> OverlaySimulator {
        let simulator = OverlaySimulator(configuration: .init(seed: seed, lossRate: lossRate))
        simulator.addNodes(count, overlay: .hyParView(configuration))
        for i in 1..<count {
            simulator.join(i, through: 0)
            simulator.run(for: .milliseconds(10))
        }
        return simulator
    }

    /// Symmetric, connected, no self links, every active view at least `minimum` peers.
    static func converged(_ simulator: OverlaySimulator, minimum: Int) -> Bool {
        let graph = simulator.memberGraph()
        return graph.isSymmetric && graph.isConnected && !graph.hasSelfLoops && graph.degreeRange.lowerBound >= minimum
    }

    static func hyParView(_ simulator: OverlaySimulator, _ i: Int) -> HyParViewMembership {
        simulator.manager(of: i) as! HyParViewMembership
    }

    @Test func active_views_converge_bounded_symmetric_and_connected() throws {
        let simulator = Self.cluster(64)
        let took = simulator.run(upTo: .seconds(30)) { Self.converged($0, minimum: 5) }
        #expect(took != nil)
        for i in 0..<simulator.nodeCount {
            let manager = Self.hyParView(simulator, i)
            let me = simulator.spec(of: i).node
            #expect(manager.activeView.count <= 6)
            #expect(manager.passiveView.count <= 30)
            #expect(!manager.activeView.contains { $0.node == me })
            #expect(!manager.passiveView.contains { $0.node == me })
            #expect(Set(manager.activeView.map(\.node)).isDisjoint(with: manager.passiveView.map(\.node)))
            #expect(manager.members().count == manager.activeView.count + 1)
            #expect(manager.knownPeers().count == manager.activeView.count + manager.passiveView.count + 1)
        }
        // Every active link is a connection; the only others are short-lived (a shuffle's answer).
        let connections = simulator.connectionGraph()
        let members = simulator.memberGraph()
        var extra = 0
        for i in members.nodes {
            #expect(Set(members.neighbours(of: i)).isSubset(of: connections.neighbours(of: i)))
            extra += connections.neighbours(of: i).count - members.neighbours(of: i).count
        }
        #expect(Double(extra) / Double(members.nodes.count) < 3)
    }

    @Test func same_seed_same_overlay_other_seed_other_overlay() {
        let a = Self.cluster(32, seed: 42)
        let b = Self.cluster(32, seed: 42)
        let c = Self.cluster(32, seed: 43)
        for simulator in [a, b, c] { simulator.run(for: .seconds(10)) }
        #expect(a.memberGraph().adjacency == b.memberGraph().adjacency)
        #expect(a.messagesSent == b.messagesSent)
        #expect(a.memberGraph().adjacency != c.memberGraph().adjacency)
    }

    @Test func a_node_whose_active_peers_all_fail_promotes_passive_peers() throws {
        let simulator = Self.cluster(48)
        #expect(simulator.run(upTo: .seconds(30)) { Self.converged($0, minimum: 4) } != nil)
        let watcher = 5
        let before = Self.hyParView(simulator, watcher)
        let passiveBefore = Set(before.passiveView.map(\.node))
        let victims = before.activeView.map(\.node)
        for victim in victims { simulator.kill(simulator.index(of: victim)!) }
        simulator.run(for: .seconds(2))
        let after = Self.hyParView(simulator, watcher)
        #expect(Set(after.activeView.map(\.node)).isDisjoint(with: victims))
        #expect(after.activeView.count >= HyParViewConfiguration().activeMinSize)
        // Promoted from the passive view (more may come in by splicing, see `fill`).
        #expect(Set(after.activeView.map(\.node)).intersection(passiveBefore).count >= 3)
    }

    @Test func the_overlay_heals_after_a_third_of_the_nodes_die() {
        let simulator = Self.cluster(64)
        #expect(simulator.run(upTo: .seconds(30)) { Self.converged($0, minimum: 5) } != nil)
        for i in stride(from: 1, to: 64, by: 3) { simulator.kill(i) }
        #expect(simulator.run(upTo: .seconds(30)) { Self.converged($0, minimum: 3) } != nil)
    }

    @Test func converges_with_five_percent_of_messages_lost() {
        // Losses keep breaking a few links for a moment: nearly every link is symmetric at any time.
        let simulator = Self.cluster(48, lossRate: 0.05)
        let took = simulator.run(upTo: .seconds(60)) {
            let graph = $0.memberGraph()
            return graph.isConnected && graph.symmetricShare > 0.95 && graph.degreeRange.lowerBound >= 3
        }
        #expect(took != nil)
        #expect(simulator.messagesLost > 0)
    }

    @Test func forward_reaches_a_node_without_a_direct_connection_once() throws {
        let simulator = Self.cluster(64)
        #expect(simulator.run(upTo: .seconds(30)) { Self.converged($0, minimum: 5) } != nil)
        let graph = simulator.memberGraph()
        let neighbours = Set(graph.neighbours(of: 0))
        let far = try #require((1..<64).first { !neighbours.contains($0) })
        let target = simulator.spec(of: far).node
        simulator.forward(.atom("hello"), from: 0, to: target)
        simulator.run(for: .seconds(1))
        #expect(simulator.deliveries.count == 1)
        #expect(simulator.deliveries.first?.node == far)
        #expect(simulator.deliveries.first?.payload == .atom("hello"))
        #expect(simulator.deliveries.first?.origin == simulator.spec(of: 0).node)
    }

    @Test func a_broadcast_reaches_every_node_once_and_every_survivor_after_failures() {
        let simulator = Self.cluster(64)
        #expect(simulator.run(upTo: .seconds(30)) { Self.converged($0, minimum: 5) } != nil)
        simulator.broadcast(.atom("first"), from: 3)
        simulator.run(for: .seconds(1))
        #expect(simulator.deliveries.map(\.node).sorted() == Array(0..<64))
        #expect(simulator.deliveries.allSatisfy { $0.origin == simulator.spec(of: 3).node })

        for i in stride(from: 0, to: 64, by: 3) where i != 4 { simulator.kill(i) }
        simulator.run(for: .seconds(5))
        let before = simulator.deliveries.count
        simulator.broadcast(.atom("second"), from: 4)
        simulator.run(for: .seconds(1))
        let survivors = (0..<64).filter(simulator.isAlive)
        #expect(simulator.deliveries[before...].map(\.node).sorted() == survivors)
    }

    @Test func forward_stops_at_the_hop_limit() throws {
        var configuration = Self.fast
        configuration.forwardHopLimit = 1
        let simulator = Self.cluster(64, configuration: configuration)
        #expect(simulator.run(upTo: .seconds(30)) { Self.converged($0, minimum: 5) } != nil)
        let neighbours = Set(simulator.memberGraph().neighbours(of: 0))
        let far = try #require((1..<64).first { !neighbours.contains($0) })
        simulator.forward(.atom("hello"), from: 0, to: simulator.spec(of: far).node)
        simulator.run(for: .seconds(1))
        #expect(simulator.deliveries.isEmpty)
    }

    @Test func messages_round_trip_through_their_wire_form() {
        let spec = OverlaySimulator.spec(ofNode: 3)
        var manager = HyParViewMembership(localSpec: spec, rng: SplitMix64(seed: 1))
        let update = manager.join(OverlaySimulator.spec(ofNode: 4))
        #expect(update.messages.count == 1)
        #expect(update.connect.map(\.node) == [OverlaySimulator.spec(ofNode: 4).node])
        var contact = HyParViewMembership(localSpec: OverlaySimulator.spec(ofNode: 4), rng: SplitMix64(seed: 2))
        let answer = contact.handle(message: update.messages[0].message, from: spec.node)
        #expect(answer.members.map(\.node).contains(spec.node))
        let ignored = contact.handle(message: .atom("garbage"), from: spec.node)
        #expect(ignored.messages.isEmpty)
    }
}
