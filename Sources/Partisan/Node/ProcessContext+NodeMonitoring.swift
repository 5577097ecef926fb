/// Node monitoring from inside a process, on the process's own node.
extension ProcessContext {
    /// Receives one ``NodeDown`` when `node` goes down, at once if it is not connected:
    /// Erlang's `monitor_node(Node, true)`.
    public func monitorNode(_ node: Node) {
        if let kernel = runtime.remoteRouter as? NetKernel {
            kernel.monitorNode(node, watcher: pid)
        } else {
            send(NodeDown(node: node, reason: .notConnected), to: pid)
        }
    }

    /// Receives ``NodeUp`` and ``NodeDown`` for every node of the types `selection` covers
    /// (visible ones by default) from now on, or stops, with `enabled` false:
    /// `net_kernel:monitor_nodes/1,2`.
    public func monitorNodes(_ enabled: Bool = true, selection: NodeSelection = .visible) {
        (runtime.remoteRouter as? NetKernel)?.monitorNodes(pid, enabled, selection: selection)
    }
}
