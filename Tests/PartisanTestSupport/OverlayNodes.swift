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
