import PartisanCore

/// Outgoing process traffic: the runtime hands the kernel every operation whose target is on
/// another node. Each becomes a ``ControlMessage`` keyed by its sender (see ``NetKernel``'s
/// ordering rule).
extension NetKernel: RemoteRouter {
    public func send(_ message: any Sendable, to pid: Pid, from sender: Pid) {
        send(message, to: pid, from: sender, options: .standard)
    }

    public func send(_ message: any Sendable, to name: RegisteredName, from sender: Pid) {
        send(message, to: name, from: sender, options: .standard)
    }

    public func send(_ message: any Sendable, to alias: Alias, from sender: Pid) {
        send(message, to: alias, from: sender, options: .standard)
    }

    public func send(_ message: any Sendable, to pid: Pid, from sender: Pid, options: DeliveryOptions) {
        transmitSend(message, to: .pid(pid), on: pid.node, from: sender, options: options, describing: pid)
    }

    public func send(_ message: any Sendable, to alias: Alias, from sender: Pid, options: DeliveryOptions) {
        transmitSend(message, to: .alias(alias), on: alias.pid.node, from: sender, options: options, describing: alias)
    }

    public func send(_ message: any Sendable, to name: RegisteredName, from sender: Pid, options: DeliveryOptions) {
        transmitSend(message, to: .name(name.name), on: name.node, from: sender, options: options, describing: name)
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
        let watcher = state.withLock { s in
            s.sessions.index(forKey: target.node).flatMap { index in
                PeerSession.inPlace(&s.sessions.values[index]) { $0.monitoring[ref]?.watcher }
            }
        }
        guard let watcher else { return }
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

    /// Encodes a send of `message` and transmits it; a message with no wire form is dropped
    /// and logged (sends never fail, as in Erlang).
    private func transmitSend(
        _ message: any Sendable, to target: ControlMessage.SendTarget, on node: Node, from sender: Pid,
        options: DeliveryOptions, describing destination: some CustomStringConvertible
    ) {
        let bytes: EncodedMessage
        do {
            bytes = try ControlMessage.encodeSend(to: target, from: sender, options: encodingOptions) { writer, tail in
                try codec.encode(message, into: &writer, tail: &tail)
            }
        } catch {
            logger.warning("message to \(destination) dropped", metadata: ["error": "\(error)"])
            return
        }
        // Only a send that found no session pays for the transitive check.
        if !transmit(bytes, route: Route(options, sender: sender), to: node), options.transitive {
            forwardThroughOverlay(bytes, to: node, describing: destination)
        }
    }

    /// Applies `update` to the session with `node` and sends `message` on it, keyed by its
    /// sender (see ``transmit(_:route:to:update:)``). Returns `false`, doing nothing, when there
    /// is no session.
    @discardableResult
    func transmit(
        _ message: ControlMessage, to node: Node, update: (inout PeerSession) -> Void = { _ in }
    ) -> Bool {
        let bytes: EncodedMessage
        do {
            bytes = try message.encoded(options: encodingOptions)
        } catch {
            logger.warning("control message to \(node) dropped", metadata: ["error": "\(error)"])
            return state.withLock { $0.sessions.index(forKey: node) != nil }
        }
        return transmit(bytes, route: Route(.standard, sender: message.sender), to: node, update: update)
    }

    /// Applies `update` to the session with `node` and sends the encoded control message
    /// `bytes` on it, on the connection `route` picks: written now if the session is up,
    /// queued in order if it is connecting. Returns `false`, doing nothing, when there is no
    /// session.
    @discardableResult
    func transmit(
        _ bytes: EncodedMessage, route: Route, to node: Node, update: (inout PeerSession) -> Void = { _ in }
    ) -> Bool {
        let (found, connections) = state.withLock { s -> (Bool, PeerConnections?) in
            guard let index = s.sessions.index(forKey: node) else { return (false, nil) }
            let connections = PeerSession.inPlace(&s.sessions.values[index]) { session -> PeerConnections? in
                update(&session)
                if let connections = session.connections { return connections }
                session.pending.append((bytes, route))
                return nil
            }
            return (true, connections)
        }
        if let connections { Self.write(bytes, on: connections, route: route, logger: logger) }
        return found
    }
}
