import PartisanCore

/// What an overlay driver (``MembershipService``) needs from the kernel: the `membership`
/// channel's traffic, and whether a session exists.
extension NetKernel {
    /// Routes every term arriving on the `membership` channel to `handler` (on the
    /// connection's event loop; it must not block) instead of reading it as process traffic.
    func setOverlayHandler(_ handler: (@Sendable (Term, Node) -> Void)?) {
        state.withLock { $0.overlayHandler = handler }
    }

    /// Queues `term` on the `membership` channel to `peer`; returns `false` (and drops it)
    /// when the peer is not connected or has no such channel.
    @discardableResult
    func sendOverlay(_ term: Term, to peer: Node) -> Bool {
        guard let connections = state.withLock({ $0.sessions[peer]?.connections }) else { return false }
        do {
            try connections.send(term, on: ChannelSpec.membership.name, key: 0)
            return true
        } catch {
            return false
        }
    }

    /// Whether there is a session with `peer`, connected or still connecting.
    func hasSession(with peer: Node) -> Bool {
        state.withLock { $0.sessions.contains(peer) }
    }

    /// Ends the session with `peer` because it stopped answering.
    func declareDown(_ peer: Node) {
        nodeDown(peer, reason: .heartbeatTimeout)
    }
}
