import PartisanCore

/// Incoming process traffic: each ``ControlMessage`` from a peer is applied to the local
/// runtime, and the session's tables follow (so a later loss of the peer signals exactly the
/// links and monitors still in place). Runs on the connection's event loop; nothing blocks.
extension NetKernel {
    /// Applies `message` from `peer`: the session's tables follow, then the runtime applies
    /// the signal. Link and monitor signals from a peer without a session are dropped: the
    /// session already ended and signalled everything.
    func apply(_ message: ControlMessage, from peer: Node) {
        switch message {
        case .send(let to, let from, let payload):
            runtime.apply(.send(codec.decode(payload), to: .pid(to), options: .standard), from: from)
        case .sendName(let name, let from, let payload):
            guard let name = RegisteredName(name, on: runtime.node) else { return }
            runtime.apply(.send(codec.decode(payload), to: .name(name), options: .standard), from: from)
        case .sendAlias(let alias, let from, let payload):
            runtime.apply(.send(codec.decode(payload), to: .alias(alias), options: .standard), from: from)
        case .link(let from, let to):
            let link = PeerSession.Link(local: to, remote: from)
            guard update(peer, { $0.links.insert(link) }) else { return }
            if !runtime.apply(.link(to: to), from: from) {
                // Erlang: linking to a process that does not exist gets an exit signal `noproc`.
                transmit(.exit(from: to, to: from, reason: .noproc, viaLink: true), to: peer) {
                    $0.links.remove(link)
                }
            }
        case .unlink(let from, let to):
            update(peer) { $0.links.remove(PeerSession.Link(local: to, remote: from)) }
            runtime.apply(.unlink(from: to), from: from)
        case .exit(let from, let to, let reason, let viaLink):
            if viaLink { update(peer) { $0.links.remove(PeerSession.Link(local: to, remote: from)) } }
            runtime.apply(.exit(to: to, reason: reason, viaLink: viaLink), from: from)
        case .monitor(let watcher, let target, let ref):
            guard update(peer, { $0.monitoredBy[ref] = target }) else { return }
            if !runtime.apply(.monitor(ref, target: target), from: watcher) {
                transmit(.down(watcher: watcher, ref: ref, target: target, reason: .noproc), to: peer) {
                    $0.monitoredBy[ref] = nil
                }
            }
        case .demonitor(let watcher, _, let ref):
            // The target the monitor was made on: a call by name names none.
            var target: Pid?
            update(peer) { target = $0.monitoredBy.removeValue(forKey: ref) }
            if let target { runtime.apply(.demonitor(ref, target: target), from: watcher) }
        case .down(let watcher, let ref, let target, let reason):
            guard update(peer, { $0.monitoring[ref] = nil }) else { return }
            runtime.apply(.down(DownMessage(ref: ref, pid: target, reason: reason), watcher: watcher), from: target)
        case .call(let server, let ref, let caller, let payload):
            let (request, undecodedManifest) = codec.decodeRequest(payload)
            let call = CallRequest(
                request: request, from: Alias(pid: caller, ref: ref), undecodedManifest: undecodedManifest)
            accept(call, to: server, from: peer)
        case .reply(let alias, let server, let payload):
            accept(CallReply(tag: alias.ref, value: codec.decode(payload)), to: alias, from: server, peer: peer)
        }
    }

    /// Applies a call from a process of `peer`: the server (a pid, or the process registered
    /// under a name here) accepts the call's monitor and gets the request; a server that does
    /// not exist answers with a `DOWN` (`noproc`). Dropped without a session, as a monitor is.
    func accept(_ call: CallRequest, to server: ControlMessage.CallTarget, from peer: Node) {
        let caller = call.from.pid
        let ref = call.from.ref
        let target: Pid? =
            switch server {
            case .pid(let pid): pid
            case .name(let name): runtime.whereis(name)
            }
        guard let target else {
            transmit(.down(watcher: caller, ref: ref, target: runtime.systemPid, reason: .noproc), to: peer)
            return
        }
        guard update(peer, { $0.monitoredBy[ref] = target }) else { return }
        if !runtime.apply(.call(call, to: .pid(target)), from: caller) {
            transmit(.down(watcher: caller, ref: ref, target: target, reason: .noproc), to: peer) {
                $0.monitoredBy[ref] = nil
            }
        }
    }

    /// Applies the answer of `server`, a process of `peer`, to a local caller's alias: the
    /// call's monitor ends with it (the server dropped its side before answering).
    func accept(_ reply: CallReply, to alias: Alias, from server: Pid, peer: Node) {
        update(peer) { $0.monitoring[alias.ref] = nil }
        runtime.apply(.reply(reply, to: alias), from: server)
    }

    /// Applies `change` to the session with `peer`; returns whether there is one.
    @discardableResult
    private func update(_ peer: Node, _ change: (inout PeerSession) -> Void) -> Bool {
        state.withLock { $0.sessions.update(peer, change) != nil }
    }
}
