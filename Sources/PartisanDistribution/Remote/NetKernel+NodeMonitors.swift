import PartisanCore

/// Node monitoring: Erlang's `monitor_node/2` and `net_kernel:monitor_nodes/1`, plus
/// callbacks.
///
/// Node monitors and subscriptions of a local process end with it, as in Erlang: once it has
/// exited, it is no longer a watcher or subscriber and nothing is sent to it.
extension NetKernel {
    /// Makes `watcher` receive one ``NodeDown`` when the session with `node` ends: Erlang's
    /// `monitor_node(Node, true)`. If there is no session with `node`, the ``NodeDown``
    /// (reason `.notConnected`) is sent at once. Monitoring twice gives two messages.
    package func monitorNode(_ node: Node, watcher: Pid) {
        let monitored = state.withLock { s in
            guard s.sessions.contains(node) else { return false }
            s.nodeMonitors[node, default: []].append(watcher)
            return true
        }
        if !monitored {
            runtime.send(NodeDown(node: node, reason: .notConnected), to: watcher)
        } else {
            endWithProcess(watcher)
        }
    }

    /// Removes one of `watcher`'s monitors of `node`: `monitor_node(Node, false)`.
    package func demonitorNode(_ node: Node, watcher: Pid) {
        state.withLock { s in
            if let index = s.nodeMonitors[node]?.firstIndex(of: watcher) { s.nodeMonitors[node]?.remove(at: index) }
        }
    }

    /// Subscribes `watcher` (or, with `enabled` false, unsubscribes it) to ``NodeUp`` and
    /// ``NodeDown`` for every node of the types `selection` covers: Erlang's
    /// `net_kernel:monitor_nodes(true)` (visible nodes), or `monitor_nodes(true, [{node_type,
    /// T}])`. A ``NodeDown`` comes only for a node whose ``NodeUp`` came before; subscribing
    /// again replaces the selection.
    package func monitorNodes(_ watcher: Pid, _ enabled: Bool = true, selection: NodeSelection = .visible) {
        state.withLock { s in
            if enabled {
                s.allNodesMonitors[watcher] = selection
            } else {
                s.allNodesMonitors[watcher] = nil
            }
        }
        if enabled { endWithProcess(watcher) }
    }

    /// Has the runtime report `watcher`'s exit (``localProcessExited(_:)``), if it is a local
    /// process; drops its node monitors at once if it has already exited. Called after the
    /// monitor is recorded, so an exit from then on finds it.
    private func endWithProcess(_ watcher: Pid) {
        guard watcher.node == runtime.node else { return }
        if !runtime.reportExitToRouter(of: watcher) { localProcessExited(watcher) }
    }

    /// Drops every node monitor and `monitor_nodes` subscription of local process `pid`, which
    /// has exited.
    package func localProcessExited(_ pid: Pid) {
        state.withLock { s in
            s.allNodesMonitors[pid] = nil
            for node in s.nodeMonitors.keys {
                s.nodeMonitors[node]?.removeAll { $0 == pid }
                if s.nodeMonitors[node]?.isEmpty == true { s.nodeMonitors[node] = nil }
            }
        }
    }

    /// How many processes are subscribed with ``monitorNodes(_:_:selection:)``.
    package var nodesMonitorSubscriberCount: Int { state.withLock { $0.allNodesMonitors.count } }

    /// How many ``monitorNode(_:watcher:)`` monitors are held, over all nodes.
    package var nodeMonitorCount: Int { state.withLock { $0.nodeMonitors.values.reduce(0) { $0 + $1.count } } }

    /// Calls `callback` with each visible node that comes up from now on (Partisan's `on_up`;
    /// hidden nodes are never members). It runs on the thread that established the
    /// connection: it must not block.
    package func onUp(_ callback: @escaping @Sendable (Node) -> Void) {
        state.withLock { $0.upCallbacks.append(callback) }
    }

    /// Calls `callback` with each visible node that goes down from now on, after it was up,
    /// and why (Partisan's `on_down`). It runs on the thread that saw the loss: it must not
    /// block.
    package func onDown(_ callback: @escaping @Sendable (Node, NodeDownReason) -> Void) {
        state.withLock { $0.downCallbacks.append(callback) }
    }
}

extension NetKernel.State {
    /// Who learns of `effect`: of a session up, the `monitor_nodes` subscribers of its type
    /// and, for a visible node, the ``NetKernel/onUp(_:)`` callbacks; of a session ended, its
    /// `monitor_node` watchers (whose monitors end with it) and, if it was up, the subscribers
    /// and ``NetKernel/onDown(_:)`` callbacks likewise. Nobody of any other effect.
    mutating func audience(of effect: SessionEffect) -> NetKernel.Audience {
        switch effect {
        case .up(_, let type, _, _):
            return NetKernel.Audience(watchers: nodesWatchers(of: type), up: type == .visible ? upCallbacks : [])
        case .end(let peer, let session, _):
            var watchers = nodeMonitors.removeValue(forKey: peer) ?? []
            if session.isUp { watchers += nodesWatchers(of: session.type) }
            return NetKernel.Audience(
                watchers: watchers, down: session.isUp && session.type == .visible ? downCallbacks : [])
        default:
            return NetKernel.Audience()
        }
    }
}
