import Logging
import Partisan
import Synchronization

private let overlaySerial = Atomic<Int>(0)

/// Starts `count` distributed nodes on 127.0.0.1 running `overlay(index)` with `membership`
/// timings, and joins every node but the first through node 0 (each join returns once node 0
/// lists the joiner). Names are unique per call (`<prefix><serial>n<index>@127.0.0.1`).
public func startOverlayNodes(
    _ count: Int, prefix: String = "ov", overlay: (Int) -> Overlay, membership: MembershipConfiguration
) async throws -> [PartisanNode] {
    let serial = overlaySerial.wrappingAdd(1, ordering: .relaxed).oldValue
    var nodes: [PartisanNode] = []
    for index in 0..<count {
        var logger = Logger(label: "partisan.test")
        logger.logLevel = TestLogLevel.fromEnvironment
        nodes.append(
            try await PartisanNode.start(
                name: Node(validating: "\(prefix)\(serial)n\(index)@127.0.0.1"), cookie: "overlay", logger: logger,
                overlay: overlay(index), membership: membership))
    }
    for node in nodes.dropFirst() { try await node.join(nodes[0].listenAddress!) }
    return nodes
}

/// Whether the overlay's member lists (``PartisanNode/members()``, this node left out) form
/// one connected, symmetric graph over `nodes`, each node connected to its members.
public func overlayConnected(_ nodes: [PartisanNode]) -> Bool {
    var views: [Node: Set<Node>] = [:]
    for node in nodes { views[node.name] = Set(node.members()).subtracting([node.name]) }
    for node in nodes {
        let view = views[node.name]!
        guard !view.isEmpty, view.allSatisfy({ views[$0]?.contains(node.name) ?? false }),
            view.allSatisfy(node.isConnected)
        else { return false }
    }
    var reached: Set<Node> = [nodes[0].name]
    var frontier = [nodes[0].name]
    while let next = frontier.popLast() {
        for peer in views[next] ?? [] where reached.insert(peer).inserted { frontier.append(peer) }
    }
    return reached.count == nodes.count
}
