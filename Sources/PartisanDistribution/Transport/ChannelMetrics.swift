import Metrics
import PartisanCore

/// The traffic counters of one channel of a node (see ``MetricName``), shared by the
/// channel's connections: made once per connection, they resolve to the same backend metrics.
/// Connections add to them once per read burst and once per drain, not per frame.
struct ChannelMetrics: Sendable {
    let framesReceived: Counter
    let bytesReceived: Counter
    let framesSent: Counter
    let bytesSent: Counter
    let dropsFull: Counter
    let dropsReplaced: Counter

    /// The counters of `channel` on `node`, made by `factory`.
    init(node: Node, channel: String, factory: any MetricsFactory) {
        let dimensions = [("node", node.name), ("channel", channel)]
        func counter(_ label: String, _ extra: [(String, String)] = []) -> Counter {
            Counter(label: label, dimensions: dimensions + extra, factory: factory)
        }
        framesReceived = counter(MetricName.framesReceived)
        bytesReceived = counter(MetricName.bytesReceived)
        framesSent = counter(MetricName.framesSent)
        bytesSent = counter(MetricName.bytesSent)
        dropsFull = counter(MetricName.sendQueueDrops, [("reason", "full")])
        dropsReplaced = counter(MetricName.sendQueueDrops, [("reason", "replaced")])
    }

    /// Counts a failed handshake of `node` (``MetricName/handshakeFailures``) on `factory`'s
    /// metrics; its reason is one of a fixed set of atoms, never a peer's bytes.
    static func countHandshakeFailure(
        _ error: HandshakeError, direction: ConnectionInfo.Direction, node: Node, factory: any MetricsFactory
    ) {
        Counter(
            label: MetricName.handshakeFailures,
            dimensions: [
                ("node", node.name), ("reason", error.wireReason),
                ("direction", direction == .inbound ? "inbound" : "outbound"),
            ],
            factory: factory
        ).increment()
    }
}
