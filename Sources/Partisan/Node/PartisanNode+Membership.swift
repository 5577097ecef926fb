/// Cluster membership through the node's overlay: Partisan's `partisan_peer_service`.
extension PartisanNode {
    /// Joins the cluster of the node listening at `address`: this node connects to it, the
    /// membership spreads by gossip, and every member connects to every other. Returns once
    /// the contact lists this node, with the contact's name (the handshake tells it). Partisan's
    /// `partisan_peer_service:join/1`.
    ///
    /// - Throws: ``PartisanNodeError/notDistributed`` without networking, the transport's
    ///   error, or ``MembershipError/joinTimedOut(_:)``.
    @discardableResult
    public func join(_ address: ListenAddress) async throws -> Node {
        guard let membership else { throw PartisanNodeError.notDistributed }
        return try await membership.join(address)
    }

    /// Leaves the cluster: every member drops this node and disconnects from it.
    public func leave() async { await membership?.leave() }

    /// Removes `node` from the cluster (it is told, and disconnected everywhere).
    public func leave(_ node: Node) async { await membership?.leave(node) }

    /// The cluster's members, this node included, sorted: `partisan_peer_service:members/0`.
    /// With HyParView, the active view (the peers this node is connected to); see
    /// ``knownPeers()``.
    public func members() -> [Node] { membership?.members().map(\.node) ?? [name] }

    /// Every node the overlay knows of, this node included, sorted: the members, plus
    /// HyParView's passive view.
    public func knownPeers() -> [Node] { membership?.knownPeers().map(\.node) ?? [name] }

    /// Sends `payload` to `node` through the overlay, also without a direct connection
    /// (HyParView's transitive delivery: Partisan's `forward_message` with `transitive`);
    /// `node` receives it in its ``onOverlayDelivery(_:)`` handler. Returns `false` when the
    /// overlay does not forward (only HyParView does). Best effort, with a hop limit. To send to
    /// a process on `node`, send with ``DeliveryOptions/transitive`` instead.
    @discardableResult
    public func forwardThroughOverlay(_ payload: Term, to node: Node) -> Bool {
        membership?.forward(payload, to: node) ?? false
    }

    /// Calls `handler` with the origin and payload of each message that reached this node
    /// through ``forwardThroughOverlay(_:to:)`` (it must not block). Process messages sent with
    /// ``DeliveryOptions/transitive`` go to their processes, not to `handler`.
    public func onOverlayDelivery(_ handler: @escaping @Sendable (Node, Term) -> Void) {
        membership?.onOverlayDelivery(handler)
    }
}
