import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// Collects what a process receives, for a test to read.
final class Inbox: Sendable {
    private let received = Mutex<[String]>([])

    /// The strings received so far, in order.
    var strings: [String] { received.withLock { $0 } }

    /// Spawns on `node` a process that records every string it receives; returns its pid.
    func spawnReader(on node: PartisanNode) -> Pid {
        node.spawn { ctx in
            while true {
                let text = try await ctx.receive(String.self)
                self.received.withLock { $0.append(text) }
            }
        }
    }
}

/// Partisan's `inject_partition/2`, `resolve_partition/1` and `partitions/0` on real nodes over
/// TCP: what a partition cuts, what failure detection makes of it, and what comes back after.
@Suite struct PartitionTests {
    @Test func a_partition_loses_traffic_both_ways_and_closes_no_connection() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let (atA, atB) = (Inbox(), Inbox())
            let (readerA, readerB) = (atA.spawnReader(on: a), atB.spawnReader(on: b))
            try await eventually("every connection is up both ways, and known to both") {
                a.isFullyConnected(b.name) && b.isFullyConnected(a.name)
                    && a.connections(with: b.name).count
                        == a.sendingConnections(to: b.name).count + b.sendingConnections(to: a.name).count
            }
            let connectionsBefore = a.connections(with: b.name).count
            let partition = try a.injectPartition(from: [b.name])
            #expect(a.partitions() == [NetworkPartition(reference: partition, nodes: [b.name])])
            #expect(b.partitions().isEmpty, "only the injecting node's side is cut")

            a.forwardMessage("lost on the way out", to: readerB)
            b.forwardMessage("lost on arrival", to: readerA)
            let faults = try #require(a.kernel?.faults)
            #expect(faults.framesDropped.outgoing >= 1)
            try await eventually("a dropped b's frame on arrival") { faults.framesDropped.incoming >= 1 }
            // Nothing was closed: both sides still hold the session and every connection.
            #expect(a.isFullyConnected(b.name) && b.isFullyConnected(a.name))
            #expect(a.connections(with: b.name).count == connectionsBefore)

            #expect(a.resolvePartition(partition))
            #expect(!a.resolvePartition(partition), "a partition resolves once")
            #expect(a.partitions().isEmpty)
            a.forwardMessage("after", to: readerB)
            b.forwardMessage("after too", to: readerA)
            try await eventually("traffic flows again") { atB.strings == ["after"] && atA.strings == ["after too"] }
        }
    }

    @Test func partitions_add_up_and_a_node_stays_cut_while_any_names_it() async throws {
        try await withConnectedNodes(3) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            let faults = try #require(a.kernel?.faults)
            let first = try a.injectPartition(from: [b.name, c.name])
            let second = try a.injectPartition(from: [b.name])
            #expect(a.partitions().map(\.reference) == [first, second])
            #expect(a.resolvePartition(first))
            #expect(faults.cuts(b.name) && !faults.cuts(c.name))
            #expect(a.resolvePartition(second))
            #expect(!faults.cuts(b.name))
        }
    }

    @Test func a_node_without_networking_cannot_be_partitioned() async throws {
        let node = try await PartisanNode.start(name: "lonely-partition@127.0.0.1")
        #expect(throws: PartisanNodeError.notDistributed) { try node.injectPartition(from: ["x@127.0.0.1"]) }
        #expect(node.partitions().isEmpty)
        await node.shutdown()
    }

    /// One side injects; both sides' failure detection declares the other down, the monitors
    /// across fire `noconnection`, a call fails within its timeout; after the resolve the
    /// session comes back and nothing is left behind.
    @Test func failure_detection_ends_a_partitioned_session_and_resolve_brings_it_back() async throws {
        try await withFaultCluster(2, overlay: .fullMesh) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            for node in nodes { node.registerMessageTypes(of: RemoteStore.self) }
            _ = try await b.startGenServer(RemoteStore(), name: "store")
            let server = try #require(b.whereis("store"))
            let store = a.genServer(RemoteStore.self, named: "store", on: b.name)
            #expect(try await store.call(.put(1)) == 1)
            let watching = EventCounter()
            let seenFromA = Task {
                try await a.withProcess { me in
                    let ref = me.monitor(server)
                    me.monitorNode(b.name)
                    watching.add()
                    let down = try await me.receive(DownMessage.self, timeout: .seconds(30)) { $0.ref == ref }
                    let nodeDown = try await me.receive(NodeDown.self, timeout: .seconds(30))
                    return (down?.reason, nodeDown?.reason)
                }
            }
            let seenFromB = Task {
                try await b.withProcess { me in
                    me.monitorNode(a.name)
                    watching.add()
                    return try await me.receive(NodeDown.self, timeout: .seconds(30))?.node
                }
            }
            try await eventually { watching.value == 2 }
            try await eventually { b.details(of: server).map { !$0.monitoredBy.isEmpty } ?? false }

            let partition = try a.injectPartition(from: [b.name])
            let started = ContinuousClock.now
            await #expect {
                _ = try await store.call(.get, timeout: .seconds(2))
            } throws: { error in
                [GenServerError.noconnection, .timeout].contains(error as? GenServerError)
            }
            #expect(ContinuousClock.now - started < .seconds(10), "a call during a partition never hangs")
            let (down, nodeDown) = try await seenFromA.value
            #expect(down == .noconnection)
            // a's detector fires, or b's fires first and a sees the connections b then closes.
            #expect([NodeDownReason.heartbeatTimeout, .connectionClosed].contains(nodeDown))
            #expect(try await seenFromB.value == a.name)
            try await eventually("the session ended on both sides") {
                !a.isConnected(b.name) && !b.isConnected(a.name)
            }

            #expect(a.resolvePartition(partition))
            try await eventually("the session came back") { clusterIsWhole(nodes, overlay: .fullMesh) }
            try await eventually("calls succeed again") { (try? await store.call(.get, timeout: .seconds(2))) == 1 }
            try await eventually("nothing is left behind") {
                nodes.allSatisfy { node in
                    node.kernel?.crossingLinksAndMonitors == 0 && node.kernel?.nodeMonitorCount == 0
                }
            }
        }
    }

    /// A port of Partisan's `hyparview_manager_partition_test`: a partition from a node's active
    /// view lists exactly that view, the node's view empties, resolving leaves no partition, and
    /// messages are forwarded through the overlay again afterwards.
    @Test func a_partition_from_the_active_view_isolates_a_hyparview_node_until_resolved() async throws {
        try await withFaultCluster(4, overlay: quickHyParView) { nodes in
            // Not the first node: every other node joined through it, so it has no contact to
            // join again through once its views are empty.
            let isolated = nodes[nodes.count - 1]
            let view = Set(isolated.members()).subtracting([isolated.name])
            #expect(!view.isEmpty)
            let partition = try isolated.injectPartition(from: Array(view))
            #expect(isolated.partitions().map(\.nodes) == [view])
            // Peers outside the partition (from the passive view) may take their place; the node's
            // contact, if partitioned, stands in the active view while each join attempt lasts.
            try await eventually("the active view lost the partitioned peers") {
                let members = Set(isolated.members())
                return view.allSatisfy { peer in
                    !isolated.isConnected(peer) && (peer == nodes[0].name || !members.contains(peer))
                }
            }
            #expect(isolated.resolvePartition(partition))
            #expect(isolated.partitions().isEmpty)
            try await eventually("the overlay healed") { clusterIsWhole(nodes, overlay: quickHyParView) }

            let inbox = Inbox()
            let others = nodes.filter { $0 !== isolated }
            for node in others { try node.register("inbox", inbox.spawnReader(on: node)) }
            try await isolated.withProcess { me in
                for node in others {
                    try me.send(
                        "from \(isolated.name)", to: RegisteredName("inbox", on: node.name)!, options: .transitive)
                }
            }
            try await eventually("every node got its message") { inbox.strings.count == nodes.count - 1 }
        }
    }
}
