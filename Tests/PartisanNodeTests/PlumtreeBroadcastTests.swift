import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// Plumtree broadcasts and the replicated map over real TCP on 127.0.0.1: a write reaches
/// every node of a partial (HyParView) overlay and of a full mesh, a node cut off catches up by
/// anti-entropy, broadcasts of different names keep apart, and malformed Plumtree messages on
/// the `membership` channel are dropped while the node keeps serving.
@Suite struct PlumtreeBroadcastTests {
    static let timings = MembershipConfiguration(
        gossipInterval: .milliseconds(100), suspectAfter: .seconds(2), reconnectInitialBackoff: .milliseconds(50),
        reconnectMaxBackoff: .milliseconds(400))
    /// Long enough that a suspended node is never declared down during a test.
    static let patientTimings = MembershipConfiguration(
        gossipInterval: .milliseconds(100), suspectAfter: .seconds(120), reconnectInitialBackoff: .milliseconds(50),
        reconnectMaxBackoff: .milliseconds(400))
    /// Views of at most 3 among 8 nodes: most pairs are not neighbours.
    static let smallViews = HyParViewConfiguration(
        activeMaxSize: 3, activeMinSize: 2, passiveMaxSize: 6, activeRandomWalkLength: 3,
        passiveRandomWalkLength: 2, shuffleInterval: .milliseconds(500), randomPromotionInterval: .milliseconds(200))
    /// Ticks every 50 ms, an exchange every 200 ms.
    static let fast = PlumtreeConfiguration(tickInterval: .milliseconds(50), exchangeTicks: 4, seed: 7)

    static func shutdown(_ nodes: [PartisanNode]) async {
        for node in nodes { await node.shutdown() }
    }

    @Test func a_put_on_one_node_reaches_every_node_of_a_hyparview_overlay() async throws {
        // No failure detection to speak of: a loaded machine must not make the overlay churn.
        let nodes = try await startOverlayNodes(
            8, prefix: "pt", overlay: { .hyParView(Self.smallViews, seed: UInt64($0 + 1)) },
            membership: Self.patientTimings)
        let maps = try nodes.map { try $0.startReplicatedMap("config", configuration: Self.fast) }
        try await eventually(timeout: .seconds(30), "every node with a peer, the active views connected") {
            nodes.allSatisfy { $0.members().count >= 2 } && membersReachEveryNode(nodes)
        }
        #expect(nodes.allSatisfy { $0.members().count <= 4 })

        let changes = Mutex<[String: Term?]>([:])
        maps[7].onChange { key, value in changes.withLock { $0[key] = value } }
        maps[0].put("a", .integer(1))
        maps[5].put("b", .atom("two"))
        let expected: [String: Term] = ["a": .integer(1), "b": .atom("two")]
        try await eventually(timeout: .seconds(30), "both writes on every node") {
            maps.allSatisfy { $0.snapshot() == expected }
        }
        try await eventually("node 7's subscriber told of both") {
            changes.withLock { $0 } == ["a": .integer(1), "b": .atom("two")]
        }

        maps[3].put("a", .integer(10))
        maps[6].delete("b")
        try await eventually("the overwrite and the delete on every node") {
            maps.allSatisfy { $0.snapshot() == ["a": .integer(10)] && $0.get("b") == nil }
        }
        try await eventually("node 7's subscriber told of the delete") {
            changes.withLock { $0 } == ["a": .integer(10), "b": Term?.none]
        }
        await Self.shutdown(nodes)
    }

    @Test func a_node_cut_off_catches_up_by_anti_entropy_when_it_comes_back() async throws {
        let nodes = try await startOverlayNodes(
            4, prefix: "pc", overlay: { _ in .fullMesh }, membership: Self.patientTimings)
        let everyone = nodes.map(\.name).sorted()
        try await eventually("every node lists every node") { nodes.allSatisfy { $0.members() == everyone } }
        let maps = try nodes.map { try $0.startReplicatedMap("state", configuration: Self.fast) }

        // Node 3 hangs: it neither sends nor hears anything on the membership channel.
        let cutOff = try #require(nodes[3].membership)
        cutOff.suspendForTesting()
        for i in 0..<5 { maps[i % 3].put("k\(i)", .integer(Int64(i))) }
        try await eventually("the writes on the live nodes") { maps.prefix(3).allSatisfy { $0.snapshot().count == 5 } }
        #expect(maps[3].snapshot().isEmpty)

        // No new broadcast comes: only an exchange can bring node 3 the writes it missed.
        cutOff.resumeForTesting()
        try await eventually("node 3 caught up") { maps[3].snapshot() == maps[0].snapshot() }
        await Self.shutdown(nodes)
    }

    @Test func a_hyparview_node_dropped_by_its_peers_catches_up_when_it_rejoins() async throws {
        let nodes = try await startOverlayNodes(
            6, prefix: "pr", overlay: { .hyParView(Self.smallViews, seed: UInt64($0 + 11)) }, membership: Self.timings)
        let maps = try nodes.map { try $0.startReplicatedMap("config", configuration: Self.fast) }
        try await eventually(timeout: .seconds(30), "every node with a peer, the active views connected") {
            nodes.allSatisfy { $0.members().count >= 2 } && membersReachEveryNode(nodes)
        }

        // Node 5, in some views, hangs until every peer has declared it down and dropped it.
        let hung = nodes[5]
        let others = Array(nodes.prefix(5))
        try await eventually(timeout: .seconds(30), "node 5 in another node's view") {
            others.contains { $0.members().contains(hung.name) && $0.isConnected(hung.name) }
        }
        hung.membership!.suspendForTesting()
        try await eventually(timeout: .seconds(30), "node 5 dropped by the others") {
            others.allSatisfy { !$0.members().contains(hung.name) }
        }
        for i in 0..<3 { maps[i].put("while-away-\(i)", .integer(Int64(i))) }
        try await eventually(timeout: .seconds(30), "the writes on the others") {
            maps.prefix(5).allSatisfy { $0.snapshot().count == 3 }
        }
        #expect(maps[5].snapshot().isEmpty)

        // Back, it rejoins the overlay; its new neighbours' exchanges bring it the writes.
        hung.membership!.resumeForTesting()
        try await eventually(timeout: .seconds(30), "node 5 back in the overlay and caught up") {
            hung.members().count >= 2 && maps[5].snapshot() == maps[0].snapshot()
        }
        await Self.shutdown(nodes)
    }

    @Test func broadcasts_of_different_names_and_handlers_keep_apart_on_a_full_mesh() async throws {
        let nodes = try await startOverlayNodes(4, prefix: "pf", overlay: { _ in .fullMesh }, membership: Self.timings)
        let everyone = nodes.map(\.name).sorted()
        try await eventually("every node lists every node") { nodes.allSatisfy { $0.members() == everyone } }
        let logs = try nodes.map {
            try $0.startPlumtreeBroadcast("events", handler: EventLog(), configuration: Self.fast)
        }
        let maps = try nodes.map { try $0.startReplicatedMap("kv", configuration: Self.fast) }
        let deliveries = Mutex<[Node: [Term]]>([:])
        for (node, log) in zip(nodes, logs) {
            log.onDelivery { delivery in deliveries.withLock { $0[node.name, default: []].append(delivery.id) } }
        }
        #expect(nodes[1].plumtreeBroadcast("events", handler: EventLog.self) === logs[1])
        #expect(nodes[1].plumtreeBroadcast("events", handler: LWWMap.self) == nil)

        for i in 0..<12 {
            #expect(nodes[i % 4].plumtreeBroadcast(id: .integer(Int64(i)), payload: .atom("e\(i)"), through: "events"))
        }
        #expect(!nodes[0].plumtreeBroadcast(id: .integer(0), payload: .atom("again"), through: "events"))
        maps[2].put("only-in-kv", .integer(1))
        try await eventually("every event on every node") { logs.allSatisfy { $0.handler.events.count == 12 } }
        try await eventually("the write on every node") { maps.allSatisfy { $0.get("only-in-kv") == .integer(1) } }
        // Each node delivered each event once, and the map's write went to the map only. (The
        // handler merges before the delivery callback runs: wait for the callbacks too.)
        try await eventually("every delivery reported") {
            deliveries.withLock { d in nodes.allSatisfy { (d[$0.name] ?? []).count >= 12 } }
        }
        for node in nodes {
            let ids = deliveries.withLock { $0[node.name] ?? [] }
            #expect(ids.count == 12 && Set(ids).count == 12)
        }
        #expect(logs.allSatisfy { $0.handler.events.values.allSatisfy { $0.atomValue?.hasPrefix("e") ?? false } })
        await Self.shutdown(nodes)
    }

    @Test func malformed_plumtree_messages_are_dropped_and_the_node_keeps_serving() async throws {
        let nodes = try await startOverlayNodes(2, prefix: "pm", overlay: { _ in .fullMesh }, membership: Self.timings)
        try await eventually("both connected") { nodes[1].members().count == 2 && nodes[0].isConnected(nodes[1].name) }
        let maps = try nodes.map { try $0.startReplicatedMap("config", configuration: Self.fast) }
        let sender = try #require(nodes[0].membership)
        let garbage: [Term] = [
            .tuple([.atom("plumtree")]),
            .tuple([.atom("plumtree"), .integer(42), .atom("prune")]),
            .tuple([.atom("plumtree"), .atom("no_such_broadcast"), .atom("prune")]),
            .tuple([.atom("plumtree"), .atom("config"), .atom("garbage")]),
            .tuple([
                .atom("plumtree"), .atom("config"), .tuple([.atom("gossip"), .atom("id"), .atom("v"), .atom("x")]),
            ]),
            .tuple([
                .atom("plumtree"), .atom("config"),
                .tuple([.atom("gossip"), .tuple([.integer(1)]), .atom("v"), .integer(1)]),
            ]),
            .tuple([.atom("plumtree"), .atom("config"), .tuple([.atom("exchange"), .atom("not_a_list")])]),
            .tuple([.atom("plumtree"), .atom("config"), .tuple([.atom("graft"), .binary([1, 2]), .integer(0)])]),
        ]
        for term in garbage { #expect(sender.sendOnChannel(term, to: nodes[1].name)) }

        maps[0].put("after", .atom("garbage"))
        try await eventually("a write still spreads") { maps[1].get("after") == .atom("garbage") }
        maps[1].put("back", .integer(2))
        try await eventually("both ways") { maps[0].get("back") == .integer(2) }
        #expect(nodes[1].members() == nodes.map(\.name).sorted() && nodes[1].isConnected(nodes[0].name))
        await Self.shutdown(nodes)
    }

    @Test func a_stopped_broadcast_frees_its_name_and_a_restarted_one_catches_up() async throws {
        let nodes = try await startOverlayNodes(2, prefix: "ps", overlay: { _ in .fullMesh }, membership: Self.timings)
        try await eventually("both connected") { nodes[1].members().count == 2 && nodes[0].isConnected(nodes[1].name) }
        let first = try nodes[0].startReplicatedMap("m", configuration: Self.fast)
        var second = try nodes[1].startReplicatedMap("m", configuration: Self.fast)
        #expect(throws: PartisanNodeError.broadcastAlreadyStarted("m")) {
            try nodes[1].startReplicatedMap("m", configuration: Self.fast)
        }
        nodes[1].stopPlumtreeBroadcast("m")
        #expect(second.service.isStopped && nodes[1].replicatedMap("m") == nil)
        first.put("x", .integer(1))

        second = try nodes[1].startReplicatedMap("m", configuration: Self.fast)
        try await eventually("the restarted map caught up") { second.get("x") == .integer(1) }
        await Self.shutdown(nodes)
        #expect(first.service.isStopped && second.service.isStopped)

        let local = try await PartisanNode.start(name: "plumtree-local@127.0.0.1")
        #expect(throws: PartisanNodeError.notDistributed) { try local.startReplicatedMap("m") }
        await local.shutdown()
    }
}

/// A test handler: a log of events, each broadcast once under a unique id.
struct EventLog: PlumtreeHandler {
    var events: [Term: Term] = [:]

    func isStale(_ id: Term) -> Bool { events[id] != nil }

    mutating func merge(id: Term, payload: Term) -> Bool {
        guard events[id] == nil else { return false }
        events[id] = payload
        return true
    }

    func payload(for id: Term) -> Term? { events[id] }

    func exchangeSummary() -> Term { .list(events.keys.sorted { "\($0)" < "\($1)" }) }

    func missing(from summary: Term) -> [(id: Term, payload: Term)] {
        let theirs = Set(summary.listValue ?? [])
        return events.keys.filter { !theirs.contains($0) }.sorted { "\($0)" < "\($1)" }.map { ($0, events[$0]!) }
    }
}
