import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// The overlays the partition matrix runs on.
enum MatrixOverlay: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case fullMesh, hyParView

    var overlay: Overlay { self == .fullMesh ? .fullMesh : quickHyParView }
    var testDescription: String { rawValue }
}

/// What the calls of one caller → server pair across the split gave, and when.
final class CallRecord: Sendable {
    enum Result: Equatable, Sendable {
        case ok, noconnection, timeout
        case other(String)
    }
    struct Outcome: Sendable {
        let started: ContinuousClock.Instant
        let took: Duration
        let result: Result
    }

    private let outcomes = Mutex<[Outcome]>([])

    func add(_ outcome: Outcome) { outcomes.withLock { $0.append(outcome) } }

    /// The outcomes of the calls started at `instant` or later.
    func since(_ instant: ContinuousClock.Instant) -> [Outcome] {
        outcomes.withLock { $0.filter { $0.started >= instant } }
    }

    var all: [Outcome] { outcomes.withLock { $0 } }
}

/// A partition matrix on five nodes, for the full mesh and HyParView, split 1|4 and 2|3, while
/// each node's GenServer is called from the other side in a loop: during the split calls fail
/// with `noconnection` or `timeout` within their timeout, monitors across fire `noconnection`
/// and node monitors report the nodes down; after the resolve the cluster is whole again,
/// calls across succeed, and no process, monitor or node monitor is left behind.
@Suite(.serialized) struct PartitionMatrixTests {
    static let callTimeout = Duration.milliseconds(500)

    @Test(arguments: MatrixOverlay.allCases, [1, 2])
    func a_split_fails_calls_and_fires_monitors_and_the_cluster_heals(overlay: MatrixOverlay, minority: Int)
        async throws
    {
        try await withFaultCluster(5, overlay: overlay.overlay) { nodes in
            for node in nodes {
                node.registerMessageTypes(of: RemoteStore.self)
                _ = try await node.startGenServer(RemoteStore(), name: "store")
            }
            // The minority is taken from the end: the first node, through which the others
            // joined, has no contact to join again through should a split empty its views.
            let (rest, side) = (Array(nodes.dropLast(minority)), Array(nodes.suffix(minority)))
            let across =
                side.flatMap { x in rest.map { (x, $0) } } + rest.flatMap { y in side.map { (y, $0) } }
            // The pairs with a session before the split: under HyParView not every pair has one.
            let pairs = across.filter { $0.0.isConnected($0.1.name) }
            #expect(!pairs.isEmpty)

            // Monitors and node monitors across the split.
            let watching = EventCounter()
            let watchers = pairs.map { caller, server in
                let target = server.whereis("store")!
                return Task {
                    try await caller.withProcess { me in
                        let ref = me.monitor(target)
                        me.monitorNode(server.name)
                        watching.add()
                        let down = try await me.receive(DownMessage.self, timeout: .seconds(60)) { $0.ref == ref }
                        let nodeDown = try await me.receive(NodeDown.self, timeout: .seconds(60)) {
                            $0.node == server.name
                        }
                        return (down?.reason, nodeDown?.node)
                    }
                }
            }
            try await eventually { watching.value == pairs.count }

            // Callers across the split, in a loop until told to stop.
            let stop = EventCounter()
            let records = pairs.map { _ in CallRecord() }
            let callers = zip(pairs, records).map { pair, record in
                let store = pair.0.genServer(RemoteStore.self, named: "store", on: pair.1.name)
                return Task {
                    while stop.value == 0 {
                        let started = ContinuousClock.now
                        let result: CallRecord.Result
                        do {
                            _ = try await store.call(.get, timeout: .after(Self.callTimeout))
                            result = .ok
                        } catch GenServerError.noconnection {
                            result = .noconnection
                        } catch GenServerError.timeout {
                            result = .timeout
                        } catch {
                            result = .other("\(error)")
                        }
                        record.add(.init(started: started, took: ContinuousClock.now - started, result: result))
                        // Paces the loop; a failing call without a session returns at once.
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                }
            }
            let startedAt = ContinuousClock.now
            try await eventually("every pair's calls succeed before the split") {
                records.allSatisfy { $0.since(startedAt).contains { $0.result == .ok } }
            }

            let partitions = try side.map { try $0.injectPartition(from: rest.map(\.name)) }
            let splitAt = ContinuousClock.now
            for watcher in watchers {
                let (down, nodeDown) = try await watcher.value
                #expect(down == .noconnection)
                #expect(nodeDown != nil)
            }
            try await eventually("no session crosses the split") {
                across.allSatisfy { !$0.0.isConnected($0.1.name) }
            }
            try await eventually("every pair saw its calls fail") {
                records.allSatisfy { $0.since(splitAt).contains { $0.result != .ok } }
            }

            for (node, partition) in zip(side, partitions) { #expect(node.resolvePartition(partition)) }
            let healedAt = ContinuousClock.now
            try await eventually("the cluster is whole again") { clusterIsWhole(nodes, overlay: overlay.overlay) }
            if overlay == .fullMesh {
                try await eventually("every pair's calls succeed again") {
                    records.allSatisfy { $0.since(healedAt).contains { $0.result == .ok } }
                }
            } else {
                try await eventually("calls cross the healed split both ways") {
                    var ways = Set<Bool>()
                    for (index, pair) in across.enumerated() where pair.0.isConnected(pair.1.name) {
                        let store = pair.0.genServer(RemoteStore.self, named: "store", on: pair.1.name)
                        if (try? await store.call(.get, timeout: .seconds(2))) == 0 {
                            ways.insert(index < across.count / 2)
                        }
                    }
                    return ways.count == 2
                }
            }
            stop.add()
            for caller in callers { await caller.value }

            let outcomes = records.flatMap(\.all)
            let slow = outcomes.filter { $0.took > Self.callTimeout + .seconds(3) }
            #expect(slow.isEmpty, "a call took \(slow.map(\.took).max() ?? .zero): calls must never hang")
            let unexpected = outcomes.compactMap { if case .other(let error) = $0.result { error } else { nil } }
            #expect(unexpected.isEmpty, "calls failed otherwise than noconnection or timeout: \(Set(unexpected))")
            try await eventually(
                "nothing is left behind: processes (registered), crossing links and monitors, node monitors: "
                    + nodes.map { node in
                        "\(node.processCount) (\(node.registered().count)) \(node.kernel?.crossingLinksAndMonitors ?? -1) "
                            + "\(node.kernel?.nodeMonitorCount ?? -1)"
                    }.joined(separator: ", ")
            ) {
                // Only the registered servers (`store`, `partisan_rpc`) live on: every caller,
                // watcher and call's process is gone.
                nodes.allSatisfy { node in
                    node.processCount == node.registered().count && node.kernel?.crossingLinksAndMonitors == 0
                        && node.kernel?.nodeMonitorCount == 0
                }
            }
        }
    }
}
