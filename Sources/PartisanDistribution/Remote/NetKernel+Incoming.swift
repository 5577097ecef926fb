import PartisanCore

/// Incoming process traffic: each ``ControlMessage`` from a peer is applied to the local
/// runtime, and the session's tables follow (so a later loss of the peer signals exactly the
/// links and monitors still in place). Runs on the connection's event loop; nothing blocks.
extension NetKernel {
    /// Applies `message` from `peer`. Messages from a peer without a session are dropped: the
    /// session already ended and signalled everything.
    func apply(_ message: ControlMessage, from peer: Node) {
        switch message {
        case .send(let to, _, let payload):
            runtime.send(codec.decode(payload), to: to)
        case .sendName(let name, _, let payload):
            try? runtime.send(codec.decode(payload), to: name)
        case .sendAlias(let alias, _, let payload):
            runtime.send(codec.decode(payload), to: alias)
        case .link(let from, let to):
            let link = PeerSession.Link(local: to, remote: from)
            guard update(peer, { $0.links.insert(link) }) else { return }
            if !runtime.acceptRemoteLink(to: to, from: from) {
                // Erlang: linking to a process that does not exist gets an exit signal `noproc`.
                transmit(.exit(from: to, to: from, reason: .noproc, viaLink: true), to: peer) {
                    $0.links.remove(link)
                }
            }
        case .unlink(let from, let to):
            update(peer) { $0.links.remove(PeerSession.Link(local: to, remote: from)) }
            runtime.dropRemoteLink(to: to, from: from)
        case .exit(let from, let to, let reason, let viaLink):
            if viaLink { update(peer) { $0.links.remove(PeerSession.Link(local: to, remote: from)) } }
            runtime.sendExitSignal(to: to, from: from, reason: reason, viaLink: viaLink)
        case .monitor(let watcher, let target, let ref):
            guard update(peer, { $0.monitoredBy[ref] = target }) else { return }
            if !runtime.acceptRemoteMonitor(ref, watcher: watcher, target: target) {
                transmit(.down(watcher: watcher, ref: ref, target: target, reason: .noproc), to: peer) {
                    $0.monitoredBy[ref] = nil
                }
            }
        case .demonitor(_, let target, let ref):
            update(peer) { $0.monitoredBy[ref] = nil }
            runtime.dropRemoteMonitor(ref, target: target)
        case .down(let watcher, let ref, let target, let reason):
            guard update(peer, { $0.monitoring[ref] = nil }) else { return }
            runtime.deliverDown(DownMessage(ref: ref, pid: target, reason: reason), to: watcher)
        }
    }

    /// Applies `change` to the session with `peer`; returns whether there is one.
    @discardableResult
    private func update(_ peer: Node, _ change: (inout PeerSession) -> Void) -> Bool {
        state.withLock { s in
            // Through the index: `sessions[peer] != nil` would copy the session to test it.
            guard let index = s.sessions.index(forKey: peer) else { return false }
            change(&s.sessions.values[index])
            return true
        }
    }
}
