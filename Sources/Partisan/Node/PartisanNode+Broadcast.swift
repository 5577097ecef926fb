/// Plumtree broadcasts on the node's overlay: Partisan's `partisan_plumtree_broadcast`, and a
/// replicated map on top (a small PlumDB).
///
/// A broadcast has a name and a ``PlumtreeHandler`` (Partisan runs one broadcast per handler
/// module); every node that should take part starts one of the same name with the same
/// handler type. Not to be confused with ``broadcast(_:toName:)`` (Partisan's `broadcast/2`),
/// which sends a process message to a registered name on every connected node.
extension PartisanNode {
    /// Starts the Plumtree broadcast `name` with `handler` on this node's overlay and returns
    /// it; broadcast through it with ``PlumtreeService/broadcast(id:payload:)`` (or
    /// ``plumtreeBroadcast(id:payload:through:)``) and follow deliveries with
    /// ``PlumtreeService/onDelivery(_:)``. ``shutdown()`` stops it.
    ///
    /// - Throws: ``PartisanNodeError/notDistributed`` without networking, or
    ///   ``PartisanNodeError/broadcastAlreadyStarted(_:)``.
    @discardableResult
    public func startPlumtreeBroadcast<Handler: PlumtreeHandler>(
        _ name: String, handler: Handler, configuration: PlumtreeConfiguration = .init()
    ) throws -> PlumtreeService<Handler> {
        try startBroadcast(name, handler: handler, configuration: configuration) { $0 }
    }

    /// The broadcast `name`, if it runs on this node with a handler of type `Handler`.
    public func plumtreeBroadcast<Handler: PlumtreeHandler>(
        _ name: String, handler: Handler.Type = Handler.self
    ) -> PlumtreeService<Handler>? {
        broadcasts[name]?.object as? PlumtreeService<Handler>
    }

    /// Broadcasts the message `id` with `payload` through the broadcast `name` (Partisan's
    /// `partisan_plumtree_broadcast:broadcast(Message, HandlerModule)`, with the message
    /// already split into id and payload, as the handler's `broadcast_data/1` would). Returns
    /// `false` when no broadcast of that name runs here or its handler finds the message stale.
    @discardableResult
    public func plumtreeBroadcast(id: Term, payload: Term, through name: String) -> Bool {
        broadcasts[name]?.broadcast(id, payload) ?? false
    }

    /// Stops the broadcast (or replicated map) `name` on this node; other nodes keep theirs.
    public func stopPlumtreeBroadcast(_ name: String) {
        broadcasts.remove(name)?.stop()
    }

    /// Starts the replicated map `name` (see ``ReplicatedMap``) on this node's overlay; every
    /// node that starts a map of the same name holds the same entries.
    ///
    /// - Throws: ``PartisanNodeError/notDistributed`` without networking, or
    ///   ``PartisanNodeError/broadcastAlreadyStarted(_:)``.
    @discardableResult
    public func startReplicatedMap(_ name: String, configuration: PlumtreeConfiguration = .init()) throws
        -> ReplicatedMap
    {
        try startBroadcast(name, handler: LWWMap(origin: self.name), configuration: configuration) {
            ReplicatedMap(service: $0)
        }
    }

    /// The replicated map `name`, if it runs on this node.
    public func replicatedMap(_ name: String) -> ReplicatedMap? {
        broadcasts[name]?.object as? ReplicatedMap
    }

    /// Starts the broadcast `name` and registers it as what `wrap` makes of it.
    private func startBroadcast<Handler: PlumtreeHandler, Object: AnyObject & Sendable>(
        _ name: String, handler: Handler, configuration: PlumtreeConfiguration,
        wrap: (PlumtreeService<Handler>) -> Object
    ) throws -> Object {
        guard let membership else { throw PartisanNodeError.notDistributed }
        var started: Object?
        try broadcasts.add(name) {
            let service = PlumtreeService.start(
                name, handler: handler, membership: membership, configuration: configuration,
                logger: runtime.logger)
            let object = wrap(service)
            started = object
            return BroadcastRegistry.Entry(
                object: object, broadcast: { service.broadcast(id: $0, payload: $1) }, stop: { service.stop() })
        }
        guard let started else { throw PartisanNodeError.broadcastAlreadyStarted(name) }
        return started
    }
}
