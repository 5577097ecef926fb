import PartisanCore

/// Node monitoring: Erlang's `monitor_node/2` and `net_kernel:monitor_nodes/1`, plus
/// callbacks.
extension NetKernel {
    /// Makes `watcher` receive one ``NodeDown`` when the session with `node` ends: Erlang's
    /// `monitor_node(Node, true)`. If there is no session with `node`, the ``NodeDown``
    /// (reason `.notConnected`) is sent at once. Monitoring twice gives two messages.
    public func monitorNode(_ node: Node, watcher: Pid) {
        let monitored = state.withLock { s in
            guard s.sessions.index(forKey: node) != nil else { return false }
            s.nodeMonitors[node, default: []].append(watcher)
            return true
        }
        if !monitored { runtime.send(NodeDown(node: node, reason: .notConnected), to: watcher) }
    }

    /// Removes one of `watcher`'s monitors of `node`: `monitor_node(Node, false)`.
    public func demonitorNode(_ node: Node, watcher: Pid) {
        state.withLock { s in
            if let index = s.nodeMonitors[node]?.firstIndex(of: watcher) { s.nodeMonitors[node]?.remove(at: index) }
        }
    }

    /// Subscribes `watcher` (or, with `enabled` false, unsubscribes it) to ``NodeUp`` and
    /// ``NodeDown`` for every node of the types `selection` covers: Erlang's
    /// `net_kernel:monitor_nodes(true)` (visible nodes), or `monitor_nodes(true, [{node_type,
    /// T}])`. A ``NodeDown`` comes only for a node whose ``NodeUp`` came before; subscribing
    /// again replaces the selection.
    public func monitorNodes(_ watcher: Pid, _ enabled: Bool = true, selection: NodeSelection = .visible) {
        state.withLock { s in
            if enabled {
                s.allNodesMonitors[watcher] = selection
            } else {
                s.allNodesMonitors[watcher] = nil
            }
        }
    }

    /// Calls `callback` with each visible node that comes up from now on (Partisan's `on_up`;
    /// hidden nodes are never members). It runs on the thread that established the
    /// connection: it must not block.
    public func onUp(_ callback: @escaping @Sendable (Node) -> Void) {
        state.withLock { $0.upCallbacks.append(callback) }
    }

    /// Calls `callback` with each visible node that goes down from now on, after it was up,
    /// and why (Partisan's `on_down`). It runs on the thread that saw the loss: it must not
    /// block.
    public func onDown(_ callback: @escaping @Sendable (Node, NodeDownReason) -> Void) {
        state.withLock { $0.downCallbacks.append(callback) }
    }
}
