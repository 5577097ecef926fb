extension PartisanNode.Configuration {
    /// How the node stops (see ``PartisanNode/shutdown()``).
    public struct LifecycleSettings: Sendable {
        /// The deadline of the whole graceful shutdown, from the call to the node stopped:
        /// whatever still runs then is killed. Default 20 seconds, under Kubernetes' default
        /// grace period of 30 seconds between `SIGTERM` and `SIGKILL`.
        public var shutdownTimeout: Duration = .seconds(20)
        /// How long the send queues may take to be written out once the supervision trees are
        /// down, and again after leaving the overlay, within ``shutdownTimeout``. Default 2
        /// seconds.
        public var drainTimeout: Duration = .seconds(2)
        /// How long the processes outside the node's supervision trees get to exit after their
        /// `shutdown` exit signal before they are killed, within ``shutdownTimeout``. Default 1
        /// second.
        public var remainingProcessesTimeout: Duration = .seconds(1)

        /// The defaults.
        public init() {}
    }
}
