/// The faults a node's distribution can be put through (see ``FaultInjector``), and what a
/// test counts afterwards to see that a fault left nothing behind.
extension NetKernel {
    /// The faults injected on this node's connections; `nil` before the endpoint started.
    package var faults: FaultInjector? { endpoint?.faults }

    /// The links and monitors that cross to other nodes, over every session (both directions
    /// of monitors): zero once every peer's session ended or every such link and monitor was
    /// undone.
    package var crossingLinksAndMonitors: Int {
        state.withLock { s in
            s.sessions.all.values.reduce(0) { $0 + $1.links.count + $1.monitoring.count + $1.monitoredBy.count }
        }
    }
}
