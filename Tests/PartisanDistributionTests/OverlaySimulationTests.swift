import PartisanCore
import PartisanDistribution
import PartisanSimulation
import Testing

/// The static, client-server and full-mesh overlays in the in-memory simulator: the same
/// managers as over TCP, checked for each overlay's invariant.
@Suite struct OverlaySimulationTests {
    @Test func full_mesh_connects_every_node_to_every_node() {
        let simulator = OverlaySimulator(configuration: .init(seed: 3))
        simulator.addNodes(12, overlay: .fullMesh)
        for i in 1..<12 { simulator.join(i, through: 0) }
        let took = simulator.run(upTo: .seconds(10)) { sim in
            (0..<12).allSatisfy { sim.members(of: $0).count == 12 && sim.connections(of: $0).count == 11 }
        }
        #expect(took != nil)
        #expect(simulator.memberGraph().isSymmetric)
    }

    @Test func static_nodes_connect_only_to_their_list() {
        // A ring: node i lists i - 1 and i + 1; node 8 is outside every list and dials in.
        let simulator = OverlaySimulator(configuration: .init(seed: 5))
        let count = 8
        let specs = (0...count).map(OverlaySimulator.spec(ofNode:))
        for i in 0..<count {
            let peers = [specs[(i + count - 1) % count], specs[(i + 1) % count]]
            simulator.addNode(StaticMembership(localSpec: specs[i], peers: peers))
        }
        let outsider = simulator.addNode(StaticMembership(localSpec: specs[count], peers: [specs[0]]))
        for i in 0..<count { simulator.join(i, through: (i + 1) % count) }
        simulator.join(outsider, through: 0)
        let took = simulator.run(upTo: .seconds(10)) { sim in
            (0..<count).allSatisfy { sim.connections(of: $0) == [($0 + count - 1) % count, ($0 + 1) % count].sorted() }
        }
        #expect(took != nil)
        simulator.run(for: .seconds(3))
        for i in 0..<count {
            let listed = Set([(i + count - 1) % count, (i + 1) % count])
            #expect(Set(simulator.connections(of: i)) == listed)
            #expect(Set(simulator.members(of: i)) == Set((listed.union([i])).map { specs[$0].node }))
        }
        #expect(simulator.connections(of: outsider).isEmpty)
    }

    @Test func clients_connect_to_every_server_and_never_to_each_other() {
        let simulator = OverlaySimulator(configuration: .init(seed: 9))
        let servers = 3
        let clients = 9
        for i in 0..<(servers + clients) {
            let role: ClientServerRole = i < servers ? .server : .client
            simulator.addNode(ClientServerMembership(localSpec: OverlaySimulator.spec(ofNode: i), role: role))
        }
        // Servers join through server 0; clients through server 0, except two that use a client.
        for i in 1..<(servers + clients) { simulator.join(i, through: i >= servers + clients - 2 ? servers : 0) }
        let serverNames = Set((0..<servers).map { OverlaySimulator.spec(ofNode: $0).node })
        let everyone = Set((0..<(servers + clients)).map { OverlaySimulator.spec(ofNode: $0).node })
        let took = simulator.run(upTo: .seconds(15)) { sim in
            (0..<servers).allSatisfy { Set(sim.members(of: $0)) == everyone }
                && (servers..<(servers + clients)).allSatisfy {
                    Set(sim.members(of: $0)) == serverNames.union([OverlaySimulator.spec(ofNode: $0).node])
                        && sim.connections(of: $0) == Array(0..<servers)
                }
        }
        #expect(took != nil)
        simulator.run(for: .seconds(3))
        for i in servers..<(servers + clients) {
            #expect(simulator.connections(of: i).allSatisfy { $0 < servers })
        }
    }

    @Test func a_client_whose_hellos_are_lost_is_still_learnt_by_every_server() {
        // A third of the overlay's messages lost: a client's one hello to a server it learnt
        // from another could be lost for good; it is said again until the server answers.
        let simulator = OverlaySimulator(configuration: .init(seed: 21, lossRate: 0.3))
        let servers = 3
        let clients = 6
        for i in 0..<(servers + clients) {
            let role: ClientServerRole = i < servers ? .server : .client
            simulator.addNode(ClientServerMembership(localSpec: OverlaySimulator.spec(ofNode: i), role: role))
        }
        for i in 1..<(servers + clients) { simulator.join(i, through: 0) }
        let everyone = Set((0..<(servers + clients)).map { OverlaySimulator.spec(ofNode: $0).node })
        let took = simulator.run(upTo: .seconds(60)) { sim in
            (0..<servers).allSatisfy { Set(sim.members(of: $0)) == everyone }
        }
        #expect(took != nil)
    }
}
