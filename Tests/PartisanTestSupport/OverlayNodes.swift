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
    let nodes = try await startNodes(
        count, named: "\(prefix)\(serial)", cookie: "overlay", overlay: overlay, membership: membership)
    for node in nodes.dropFirst() { try await node.join(nodes[0].listenAddress!) }
    return nodes
}
