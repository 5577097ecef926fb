import Partisan
import PartisanTestSupport
import Synchronization

private let faultClusterSerial = Atomic<Int>(0)

/// Timings that make failure detection and reconnection fast enough for tests of partitions:
/// gossip and heartbeats every 100 ms, a silent peer down after 2 s (1 s declared healthy peers
/// down when the whole suite loaded the machine, so a test's monitors fired before its
/// partition), reconnection backing off from 50 ms to 400 ms.
let fastFailureDetection = MembershipConfiguration(
    gossipInterval: .milliseconds(100), suspectAfter: .seconds(2), reconnectInitialBackoff: .milliseconds(50),
    reconnectMaxBackoff: .milliseconds(400), joinTimeout: .seconds(20))

/// A HyParView whose views fill and heal within a test's time on a handful of nodes: every
/// node wants three active peers, and promotes and shuffles several times a second.
let quickHyParView = Overlay.hyParView(
    HyParViewConfiguration(
        activeMaxSize: 6, activeMinSize: 3, passiveMaxSize: 10, activeRandomWalkLength: 3,
        passiveRandomWalkLength: 2, shuffleInterval: .milliseconds(500), randomPromotion: true,
        randomPromotionInterval: .milliseconds(300)))

/// Starts `count` nodes running `overlay` with ``fastFailureDetection``, joins each to the first, and
/// waits until following members from the first reaches every node (and, for the full mesh,
/// until every node is connected to every other).
func startFaultCluster(_ count: Int, overlay: Overlay, cookie: Cookie = "faults") async throws -> [PartisanNode] {
    let serial = faultClusterSerial.wrappingAdd(1, ordering: .relaxed).oldValue
    var nodes: [PartisanNode] = []
    do {
        for index in 0..<count {
            nodes.append(
                try await startNode(Node(validating: "f\(serial)n\(index)@127.0.0.1"), cookie: cookie) {
                    $0.overlay = overlay
                    $0.membership = fastFailureDetection
                })
        }
        for node in nodes.dropFirst() { try await node.join(nodes[0].listenAddress!) }
        try await eventually("the cluster formed") { clusterIsWhole(nodes, overlay: overlay) }
        return nodes
    } catch {
        for node in nodes { await node.shutdown() }
        throw error
    }
}

/// Whether `nodes` form one cluster again: for the full mesh, every node a member of and
/// connected to every other; for other overlays, every node reachable along members from
/// the first, and each node connected to each of its members.
func clusterIsWhole(_ nodes: [PartisanNode], overlay: Overlay) -> Bool {
    if overlay.name == Overlay.fullMesh.name {
        let names = Set(nodes.map(\.name))
        return nodes.allSatisfy { node in
            Set(node.members()) == names && names.allSatisfy { $0 == node.name || node.isConnected($0) }
        }
    }
    return membersReachEveryNode(nodes)
        && nodes.allSatisfy { node in node.members().allSatisfy { $0 == node.name || node.isConnected($0) } }
}

/// Shuts `nodes` down after `body`, also when it throws.
func withFaultCluster<T>(
    _ count: Int, overlay: Overlay, _ body: ([PartisanNode]) async throws -> T
) async throws -> T {
    let nodes = try await startFaultCluster(count, overlay: overlay)
    do {
        let result = try await body(nodes)
        for node in nodes { await node.shutdown() }
        return result
    } catch {
        for node in nodes { await node.shutdown() }
        throw error
    }
}
