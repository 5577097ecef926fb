import PartisanCore

/// Outgoing process traffic: the runtime hands the kernel every operation whose target is on
/// another node. Each becomes a ``ControlMessage`` keyed by its sender (see ``NetKernel``'s
/// ordering rule).
extension NetKernel: RemoteRouter {
    public func send(_ message: any Sendable, to pid: Pid, from sender: Pid) {
        guard let payload = payload(of: message, to: "\(pid)") else { return }
        transmit(.send(to: pid, from: sender, payload: payload), to: pid.node)
    }

    public func send(_ message: any Sendable, to name: RegisteredName, from sender: Pid) {
        guard let payload = payload(of: message, to: "\(name)") else { return }
        transmit(.sendName(name.name, from: sender, payload: payload), to: name.node)
    }

    public func send(_ message: any Sendable, to alias: Alias, from sender: Pid) {
        guard let payload = payload(of: message, to: "\(alias)") else { return }
        transmit(.sendAlias(alias, from: sender, payload: payload), to: alias.pid.node)
    }

    public func sendExitSignal(to pid: Pid, from sender: Pid, reason: ExitReason, viaLink: Bool) {
        transmit(.exit(from: sender, to: pid, reason: reason, viaLink: viaLink), to: pid.node) { session in
            if viaLink { session.links.remove(PeerSession.Link(local: sender, remote: pid)) }
        }
    }

    public func link(_ pid: Pid, to other: Pid) -> ExitReason? {
        let sent = transmit(.link(from: pid, to: other), to: other.node) { session in
            session.links.insert(PeerSession.Link(local: pid, remote: other))
        }
        return sent ? nil : .noconnection
    }

    public func unlink(_ pid: Pid, from other: Pid) {
        transmit(.unlink(from: pid, to: other), to: other.node) { session in
            session.links.remove(PeerSession.Link(local: pid, remote: other))
        }
    }

    public func monitor(_ ref: Ref, watcher: Pid, target: Pid) -> ExitReason? {
        let sent = transmit(.monitor(watcher: watcher, target: target, ref: ref), to: target.node) { session in
            session.monitoring[ref] = PeerSession.OutgoingMonitor(watcher: watcher, target: target)
        }
        return sent ? nil : .noconnection
    }

    public func demonitor(_ ref: Ref, target: Pid) {
        guard let watcher = state.withLock({ $0.sessions[target.node]?.monitoring[ref]?.watcher }) else { return }
        transmit(.demonitor(watcher: watcher, target: target, ref: ref), to: target.node) { session in
            session.monitoring[ref] = nil
        }
    }

    public func sendDown(_ down: DownMessage, to watcher: Pid) {
        transmit(.down(watcher: watcher, ref: down.ref, target: down.pid, reason: down.reason), to: watcher.node) {
            session in
            session.monitoredBy[down.ref] = nil
        }
    }

    /// The payload of `message`, or `nil` (logged) when it has no wire form.
    private func payload(of message: any Sendable, to destination: String) -> Term? {
        do {
            return try codec.encode(message)
        } catch {
            logger.warning("message to \(destination) dropped", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Applies `update` to the session with `node` and sends `message` on it, keyed by its
    /// sender: written now if the session is up, queued in order if it is connecting.
    /// Returns `false`, doing nothing, when there is no session.
    @discardableResult
    func transmit(
        _ message: ControlMessage, to node: Node, update: (inout PeerSession) -> Void = { _ in }
    ) -> Bool {
        let term = message.term
        let key = message.sender
        let (found, connections) = state.withLock { s -> (Bool, PeerConnections?) in
            guard s.sessions[node] != nil else { return (false, nil) }
            update(&s.sessions[node]!)
            if let connections = s.sessions[node]!.connections { return (true, connections) }
            s.sessions[node]!.pending.append((term, key))
            return (true, nil)
        }
        if let connections { Self.write(term, on: connections, key: key, logger: logger) }
        return found
    }
}
