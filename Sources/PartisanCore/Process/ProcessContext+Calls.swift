/// Calls between processes, as `gen:call` makes them: the caller monitors the server under a
/// fresh reference, activates an alias made from it, and sends the request to that alias's
/// answer. To another node the three go as one signal (``RemoteSignal/call(_:to:)``), and the
/// server's answer ends the monitor (``RemoteSignal/reply(_:to:)``): a remote call is one
/// frame each way.
extension ProcessContext {
    /// Sends `request` to `server` as a call: monitors it, activates an alias whose reference is
    /// the monitor's, and delivers a ``CallRequest`` answering to that alias. Returns the alias;
    /// its reference tags the ``CallReply`` and the server's `DOWN`.
    ///
    /// `server` is a pid, or a name registered on its node (looked up there, when the request
    /// arrives, as Erlang's `{Name, Node}`). Until the answer, a call by name holds its monitor
    /// on the name's node's system pid (the process is not known here); a name without a
    /// process, like a pid that has exited, answers with a `DOWN` (`noproc`), and an
    /// unreachable node with one at once (`noconnection`).
    package func sendCall(_ request: any Sendable, to server: RemoteSignal.Destination) -> Alias {
        guard server.node != runtime.node else { return sendLocalCall(request, to: server) }
        let ref = runtime.makeRef()
        let alias = Alias(pid: pid, ref: ref)
        let target = server.monitoredPid
        let isAlive = state.withLock { s in
            guard s.exitReason == nil else { return false }
            s.monitoring[ref] = target
            s.aliases.append(ref)
            return true
        }
        guard isAlive else { return alias }
        if runtime.route(.call(CallRequest(request: request, from: alias), to: server), from: pid) == .noConnection {
            state.withLock { _ = $0.monitoring.removeValue(forKey: ref) }
            deliver(DownMessage(ref: ref, pid: target, reason: .noconnection))
        }
        return alias
    }

    /// A call to a process of this node: a monitor, an alias from its reference, and the
    /// request (no signal leaves the node).
    private func sendLocalCall(_ request: any Sendable, to server: RemoteSignal.Destination) -> Alias {
        let found: Pid? =
            switch server {
            case .pid(let pid): pid
            case .name(let name): runtime.whereis(name.name)
            case .alias: nil
            }
        let target = found ?? runtime.systemPid
        let ref = monitor(target)
        let alias = makeAlias(reusing: ref)
        if found != nil { send(CallRequest(request: request, from: alias), to: target) }
        return alias
    }

    /// Answers the call whose request came from `alias` with `value`. When this process is the
    /// server that call monitors and the caller is on another node, the monitor ends here and
    /// the answer carries its end (``RemoteSignal/reply(_:to:)``), so the caller sends no
    /// `demonitor`; otherwise the answer is an ordinary message to the alias.
    package func reply(_ value: any Sendable, to alias: Alias) {
        let reply = CallReply(tag: alias.ref, value: value)
        guard runtime.isRemote(alias.pid) else {
            send(reply, to: alias)
            return
        }
        let endsMonitor = state.withLock { s in
            guard s.monitoredBy[alias.ref] == alias.pid else { return false }
            s.monitoredBy[alias.ref] = nil
            return true
        }
        if endsMonitor {
            runtime.route(.reply(reply, to: alias), from: pid)
        } else {
            send(reply, to: alias)
        }
    }

    /// Delivers the answer of `server`, on another node, to this caller through the call's
    /// alias, and ends the call's monitor, which the server has already dropped
    /// (``RemoteSignal/reply(_:to:)``). Only a monitor on a process of the server's node ends.
    func receiveReply(_ reply: CallReply, viaAlias alias: Ref, from server: Pid) {
        state.withLock { s in
            if s.monitoring[alias]?.node == server.node { s.monitoring[alias] = nil }
        }
        deliver(reply, viaAlias: alias)
    }
}
