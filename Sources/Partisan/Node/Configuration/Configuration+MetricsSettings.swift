import Metrics

extension PartisanNode.Configuration {
    /// The metrics a node emits through swift-metrics (Guides/Cluster.md lists them). The
    /// application picks the backend with `MetricsSystem.bootstrap` before it starts nodes;
    /// without one the metrics cost next to nothing and go nowhere.
    public struct MetricsSettings: Sendable {
        /// Where this node's metrics go; `nil`, the default, uses the factory bootstrapped with
        /// `MetricsSystem.bootstrap` when the node starts. Give one to send a node's metrics
        /// somewhere of its own (several nodes in one process, tests).
        public var factory: (any MetricsFactory)?

        /// How often the node samples its gauges (processes, mailbox high-water mark, RPC
        /// calls in flight, members, connections and send queues); `nil` samples none.
        /// Counters and timers are always updated. Default 5 seconds.
        public var sampleInterval: Duration? = .seconds(5)

        /// The defaults.
        public init() {}
    }
}
