import PartisanCore

/// Outgoing process traffic: the runtime hands the kernel every operation whose target is on
/// another node. Each becomes a ``ControlMessage`` keyed by its sender (see ``NetKernel``'s
/// ordering rule).
extension NetKernel: RemoteRouter {
    /// Sends `signal` from local `sender` on the session with its node, keeping the session's
    /// link and monitor tables in step (so a later loss of the peer signals exactly what is
    /// still in place).
    package func route(_ signal: RemoteSignal, from sender: Pid) -> RouteResult {
        let node = signal.node
        let sent: Bool
        switch signal {
        case .send(let message, let destination, let options):
            sent = transmitSend(message, to: destination, from: sender, options: options)
        case .call(let call, let server):
            let target: ControlMessage.CallTarget =
                switch server {
                case .pid(let pid): .pid(pid)
                case .name(let name): .name(name.name)
                case .alias(let alias): .pid(alias.pid)
                }
            let monitor = PeerSession.OutgoingMonitor(watcher: sender, target: server.monitoredPid)
            sent = transmitMessage(call.request, .call(target, ref: call.from.ref), from: sender, to: node) {
                $0.monitoring[call.from.ref] = monitor
            }
        case .reply(let reply, let alias):
            sent = transmitMessage(reply.value, .reply(alias), from: sender, to: node) {
                $0.monitoredBy[alias.ref] = nil
            }
        case .exit(let to, let reason, let viaLink):
            sent = transmit(.exit(from: sender, to: to, reason: reason, viaLink: viaLink), to: node) { session in
                if viaLink { session.links.remove(PeerSession.Link(local: sender, remote: to)) }
            }
        case .link(let to):
            sent = transmit(.link(from: sender, to: to), to: node) { session in
                session.links.insert(PeerSession.Link(local: sender, remote: to))
            }
        case .unlink(let from):
            sent = transmit(.unlink(from: sender, to: from), to: node) { session in
                session.links.remove(PeerSession.Link(local: sender, remote: from))
            }
        case .monitor(let ref, let target):
            sent = transmit(.monitor(watcher: sender, target: target, ref: ref), to: node) { session in
                session.monitoring[ref] = PeerSession.OutgoingMonitor(watcher: sender, target: target)
            }
        case .demonitor(let ref, let target):
            sent = transmit(.demonitor(watcher: sender, target: target, ref: ref), to: node) { session in
                session.monitoring[ref] = nil
            }
        case .down(let down, let watcher):
            sent = transmit(
                .down(watcher: watcher, ref: down.ref, target: down.pid, reason: down.reason), to: node
            ) { session in
                session.monitoredBy[down.ref] = nil
            }
        }
        return sent ? .sent : .noConnection
    }

    /// Encodes a send of `message` and transmits it; a message with no wire form is dropped
    /// and logged (sends never fail, as in Erlang). Returns whether a session took it, or the
    /// overlay when `options` are transitive.
    private func transmitSend(
        _ message: any Sendable, to destination: RemoteSignal.Destination, from sender: Pid,
        options: DeliveryOptions
    ) -> Bool {
        guard let bytes = encode(message, .send(destination), from: sender) else { return true }
        // Only a send that found no session pays for the transitive check.
        var route = Route(options, sender: sender)
        if options.channel != nil {
            route.monotonicKey = MonotonicKey(partition: route.partition, destination: destination)
        }
        if transmit(bytes, route: route, to: destination.node) { return true }
        guard options.transitive else { return false }
        forwardThroughOverlay(bytes, to: destination.node, describing: destination)
        return true
    }

    /// Encodes `message` as the payload of the frame `head` addresses and transmits it on the
    /// sender's route, applying `update` to the session. A message with no wire form is
    /// dropped and logged. Returns whether a session took it.
    private func transmitMessage(
        _ message: any Sendable, _ head: ControlMessage.MessageHead, from sender: Pid, to node: Node,
        update: (inout PeerSession) -> Void
    ) -> Bool {
        guard let bytes = encode(message, head, from: sender) else { return true }
        return transmit(bytes, route: Route(.standard, sender: sender), to: node, update: update)
    }

    /// The frame of `message` from `sender` that `head` addresses; `nil`, logged, when the
    /// message has no wire form.
    private func encode(_ message: any Sendable, _ head: ControlMessage.MessageHead, from sender: Pid)
        -> EncodedMessage?
    {
        do {
            return try ControlMessage.encodeMessage(head, from: sender, options: encodingOptions) { writer, tail in
                try codec.encode(message, into: &writer, tail: &tail)
            }
        } catch {
            logger.warning("message from \(sender) dropped", metadata: ["error": "\(error)"])
            return nil
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
            return state.withLock { $0.sessions.contains(node) }
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
        let found = state.withLock { s -> PeerConnections?? in
            s.sessions.update(node) { session -> PeerConnections? in
                update(&session)
                if let connections = session.connections { return connections }
                session.pending.append((bytes, route))
                return nil
            }
        }
        guard let found else { return false }
        if let connections = found { Self.write(bytes, on: connections, route: route, logger: logger) }
        return true
    }
}
