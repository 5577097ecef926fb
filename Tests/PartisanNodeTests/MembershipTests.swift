import Logging
import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// The full-mesh overlay over real TCP: join through one contact, leave, abrupt loss,
/// restart on a new port, and a hung node, several nodes in one process.
@Suite struct MembershipTests {
    static let serial = Atomic<Int>(0)
    /// Short timings so the tests run quickly; detection within suspectAfter + one tick.
    static let timings = MembershipConfiguration(
        gossipInterval: .milliseconds(200), suspectAfter: .seconds(1), reconnectInitialBackoff: .milliseconds(50),
        reconnectMaxBackoff: .milliseconds(400))

    static func start(_ name: String, port: Int = 0) async throws -> PartisanNode {
        var configuration = PartisanNode.Configuration(
            name: try Node(validating: "\(name)@127.0.0.1"), cookie: "membership")
        configuration.logging.logger = Logger(label: "partisan.test")
        configuration.logging.logger?.logLevel = .warning
        configuration.distribution?.listenPort = port
        configuration.distribution?.membership = timings
        return try await PartisanNode.start(configuration)
    }

    /// Starts `count` nodes and joins each to the first; waits until all agree on the members
    /// and are fully connected.
    static func cluster(_ count: Int) async throws -> [PartisanNode] {
        let id = serial.wrappingAdd(1, ordering: .relaxed).oldValue
        var nodes: [PartisanNode] = []
        for index in 0..<count { nodes.append(try await start("m\(id)n\(index)")) }
        for node in nodes.dropFirst() { try await node.join(nodes[0].listenAddress!) }
        try await converged(nodes)
        return nodes
    }

    static func converged(_ nodes: [PartisanNode]) async throws {
        let names = nodes.map(\.name).sorted()
        try await eventually("members converge and full mesh") {
            nodes.allSatisfy { node in
                node.members() == names && nodes.allSatisfy { $0 === node || node.isFullyConnected($0.name) }
            }
        }
    }

    @Test func joining_through_one_contact_converges_to_a_full_mesh() async throws {
        let nodes = try await Self.cluster(4)
        #expect(nodes[3].nodes() == nodes.dropLast().map(\.name).sorted())
        for node in nodes { await node.shutdown() }
    }

    @Test func a_node_that_leaves_is_removed_everywhere() async throws {
        let nodes = try await Self.cluster(3)
        let leaver = nodes[2]
        await leaver.leave()
        let rest = Array(nodes.prefix(2))
        let names = rest.map(\.name).sorted()
        try await eventually("leaver removed and disconnected") {
            rest.allSatisfy { $0.members() == names && !$0.isConnected(leaver.name) }
        }
        #expect(leaver.members() == [leaver.name])
        #expect(leaver.nodes().isEmpty)
        for node in nodes { await node.shutdown() }
    }

    @Test func an_abruptly_stopped_node_goes_down_and_a_restart_on_a_new_port_replaces_it() async throws {
        let nodes = try await Self.cluster(3)
        let victim = nodes[2]
        let downs = Mutex<[NodeDownReason]>([])
        for node in nodes.prefix(2) {
            node.onDown { peer, reason in if peer == victim.name { downs.withLock { $0.append(reason) } } }
        }
        await victim.kill()
        try await eventually("both saw it down") { downs.withLock { $0.count } == 2 }
        #expect(downs.withLock { $0 } == [.connectionClosed, .connectionClosed])
        // Still a member (full mesh keeps failed members and retries them).
        #expect(nodes[0].members().contains(victim.name))

        let restarted = try await startNode(victim.name, cookie: "membership") { $0.membership = Self.timings }
        #expect(restarted.listenAddress != victim.listenAddress)
        try await restarted.join(nodes[1].listenAddress!)
        let cluster = [nodes[0], nodes[1], restarted]
        try await Self.converged(cluster)
        for node in cluster {
            #expect(
                node.membership!.members().filter { $0.node == victim.name }.map(\.listenAddresses) == [
                    [restarted.listenAddress!]
                ])
        }
        for node in cluster { await node.shutdown() }
    }

    @Test func a_dropped_connection_is_reestablished() async throws {
        let nodes = try await Self.cluster(2)
        let ups = Mutex(0)
        nodes[0].onUp { peer in if peer == nodes[1].name { ups.withLock { $0 += 1 } } }
        nodes[0].disconnect(nodes[1].name)
        try await eventually("reconnected") { ups.withLock { $0 } >= 1 && nodes[0].isFullyConnected(nodes[1].name) }
        try await Self.converged(nodes)
        for node in nodes { await node.shutdown() }
    }

    @Test func a_hung_node_is_declared_down_within_the_configured_time() async throws {
        let nodes = try await Self.cluster(3)
        let hung = nodes[2]
        let clock = ContinuousClock()
        let downAt = Mutex<[Node: ContinuousClock.Instant]>([:])
        let reasons = Mutex<[NodeDownReason]>([])
        for node in nodes.prefix(2) {
            let me = node.name
            node.onDown { peer, reason in
                guard peer == hung.name else { return }
                downAt.withLock { if $0[me] == nil { $0[me] = clock.now } }
                reasons.withLock { $0.append(reason) }
            }
        }
        let start = clock.now
        hung.membership!.suspendForTesting()
        try await eventually(timeout: .seconds(10), "both declared it down") { downAt.withLock { $0.count } == 2 }
        #expect(reasons.withLock { $0.contains(.heartbeatTimeout) })
        // suspectAfter (1 s) + one tick (0.2 s), with slack for a loaded machine.
        for (_, at) in downAt.withLock({ $0 }) { #expect(at - start < .seconds(3)) }
        hung.membership!.resumeForTesting()
        try await Self.converged(nodes)
        for node in nodes { await node.shutdown() }
    }
}
