import Metrics

/// The timers of a node's `GenServer` calls (``MetricName/callDuration``), made once per
/// runtime so a call records without looking a metric up.
package struct CallMetrics: Sendable {
    private let local: Timer
    private let remote: Timer

    /// The timers of `node`'s calls, made by `factory`.
    init(node: Node, factory: any MetricsFactory) {
        local = Timer(
            label: MetricName.callDuration, dimensions: [("node", node.name), ("destination", "local")],
            factory: factory)
        remote = Timer(
            label: MetricName.callDuration, dimensions: [("node", node.name), ("destination", "remote")],
            factory: factory)
    }

    /// Records a call that took `duration`, to a server on another node when `remote`.
    package func record(_ duration: Duration, remote: Bool) {
        (remote ? self.remote : local).recordNanoseconds(duration.nanoseconds)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64.max`.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (sum, overflowed) = product.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflowed ? .max : sum
    }
}
