import Logging
import PartisanCore
import Synchronization

/// The driver of a ``PeerServiceManager``: Partisan's `partisan_pluggable_peer_service_manager`.
///
/// It feeds the manager its events — membership-channel messages, the periodic tick,
/// peers coming up, ``join(_:)`` and ``leave(_:)`` — under one lock, and carries out each
/// ``PeerServiceUpdate``: sends the overlay messages on the `membership` channel, keeps a
/// connection to every peer the overlay wants (reconnecting with exponential backoff while it
/// stays wanted) and disconnects peers the overlay drops. A message to a wanted peer that is
/// not connected yet waits (up to ``heldMessageLimit`` per peer) until it connects, if the
/// manager asks for it (``PeerServiceManager/holdsMessagesUntilConnected``).
///
/// **Failure detection.** A closed connection ends the session at once (the kernel reports
/// ``NodeDown`` with `connection_closed`). For a peer that hangs with its sockets open, every
/// tick sends a `heartbeat` to each connected member, and any membership-channel message
/// counts as a sign of life; a member silent for ``MembershipConfiguration/suspectAfter`` is
/// declared down (``NodeDownReason/heartbeatTimeout``): its connections are closed, so links
/// and monitors across fire with `noconnection`, and reconnection starts.
public final class MembershipService: Sendable {
    private struct State: Sendable {
        var manager: any PeerServiceManager
        var members: [NodeSpec]
        /// Peers to keep connected, by name.
        var wanted: [Node: NodeSpec] = [:]
        /// Peers with a reconnection loop running.
        var reconnecting: Set<Node> = []
        var lastHeard: [Node: ContinuousClock.Instant] = [:]
        /// Messages to wanted peers that are not connected yet, sent when they connect.
        var held: [Node: [Term]] = [:]
        var suspended = false
        var stopped = false
    }

    /// The timings.
    public let configuration: MembershipConfiguration
    /// How many messages wait for one peer that is wanted but not yet connected; older ones
    /// are dropped first.
    public static let heldMessageLimit = 64
    private let kernel: NetKernel
    private let state: Mutex<State>
    private let ticker = Mutex<Task<Void, Never>?>(nil)
    private let deliveryHandler = Mutex<(@Sendable (Node, Term) -> Void)?>(nil)
    private let services = Mutex(ServiceHandlers())
    private let logger: Logger
    private var node: Node { kernel.runtime.node }

    /// Starts driving `manager` over `kernel`'s `membership` channel (the kernel must have
    /// it) and ticks every ``MembershipConfiguration/gossipInterval``.
    package static func start(
        kernel: NetKernel, manager: any PeerServiceManager, configuration: MembershipConfiguration = .init()
    ) -> MembershipService {
        start(
            kernel: kernel, manager: manager, overlayName: String(describing: type(of: manager)),
            configuration: configuration)
    }

    private static func start(
        kernel: NetKernel, manager: any PeerServiceManager, overlayName: String, configuration: MembershipConfiguration
    ) -> MembershipService {
        let service = MembershipService(
            kernel: kernel, manager: manager, overlayName: overlayName, configuration: configuration)
        kernel.setOverlayHandler { [weak service] term, peer in service?.received(term, from: peer) }
        kernel.onUp { [weak service] peer in service?.peerUp(peer) }
        kernel.onDown { [weak service] peer, _ in service?.peerDown(peer) }
        kernel.setOverlayForwarder { [weak service] payload, target in service?.forward(payload, to: target) ?? false }
        let interval = configuration.gossipInterval
        service.ticker.withLock {
            $0 = Task { [weak service] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    guard let service else { return }
                    service.tick()
                }
            }
        }
        return service
    }

    /// Starts the full-mesh overlay for `kernel`'s node.
    package static func fullMesh(kernel: NetKernel, configuration: MembershipConfiguration = .init())
        -> MembershipService
    {
        start(kernel: kernel, overlay: .fullMesh, configuration: configuration)
    }

    /// Starts `overlay` for `kernel`'s node.
    package static func start(
        kernel: NetKernel, overlay: Overlay, configuration: MembershipConfiguration = .init()
    ) -> MembershipService {
        let manager = overlay.makeManager(
            Overlay.Context(
                localSpec: kernel.spec, creation: kernel.runtime.creation, tickInterval: configuration.gossipInterval))
        return start(kernel: kernel, manager: manager, overlayName: overlay.name, configuration: configuration)
    }

    private init(
        kernel: NetKernel, manager: any PeerServiceManager, overlayName: String, configuration: MembershipConfiguration
    ) {
        self.kernel = kernel
        self.configuration = configuration
        self.logger = kernel.logger
        self.overlayName = overlayName
        self.state = Mutex(State(manager: manager, members: manager.members()))
    }

    /// The overlay's name (``Overlay/name``): `fullmesh`, `hyparview`, `client-server`,
    /// `static`, or a custom overlay's; the manager's type name for a service started with a
    /// bare manager.
    public let overlayName: String

    /// The members, this node included, sorted by name (see ``PeerServiceManager/members()``:
    /// HyParView's active view).
    public func members() -> [NodeSpec] { state.withLock { $0.members } }

    /// Every peer the overlay knows of, this node included, sorted by name (see
    /// ``PeerServiceManager/knownPeers()``: HyParView's active and passive views).
    public func knownPeers() -> [NodeSpec] { state.withLock { $0.manager.knownPeers() } }

    /// Runs `body` on the overlay's manager under the driver's lock (read its state, for
    /// example `(manager as? HyParViewMembership)?.passiveView`); it must not block.
    public func withManager<T>(_ body: (any PeerServiceManager) -> T) -> T {
        state.withLock { body($0.manager) }
    }

    /// Joins the cluster of the node at `address`: connects to it, sends it this node's view,
    /// and returns once the contact's gossip lists this node's peers as members (the rest of
    /// the cluster follows by gossip), with the contact's name. Partisan's `join/1`.
    ///
    /// A contact that refuses this node because another incarnation of its name is connected
    /// to it (`duplicate_name`, see ``NetKernel``, "Incarnations") is asked again, with the
    /// reconnection backoff, until the join timeout: a restart that races the contact seeing
    /// the old incarnation's connections close, or its failure detection dropping a hung one,
    /// gets in; a duplicate of a live node fails with the refusal.
    ///
    /// - Throws: the transport's error when the contact cannot be reached or refuses this node
    ///   (``TransportError/handshake(_:)`` with ``HandshakeError/refusedByPeer(_:)``), or
    ///   ``MembershipError/joinTimedOut(_:)``.
    @discardableResult
    public func join(_ address: ListenAddress) async throws -> Node {
        guard !state.withLock({ $0.stopped }) else { throw MembershipError.stopped }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: configuration.joinTimeout)
        let contact = try await connectRetryingDuplicate(address, until: deadline)
        perform { $0.join(NodeSpec(node: contact, listenAddresses: [address])) }
        while !members().contains(where: { $0.node == contact }) {
            guard clock.now < deadline else { throw MembershipError.joinTimedOut(contact) }
            try await Task.sleep(for: .milliseconds(5))
        }
        return contact
    }

    /// Connects to `address`, again after a backoff while it refuses this node as a duplicate
    /// name, until `deadline`; then throws the refusal.
    private func connectRetryingDuplicate(_ address: ListenAddress, until deadline: ContinuousClock.Instant)
        async throws -> Node
    {
        var backoff = configuration.reconnectInitialBackoff
        while true {
            do {
                return try await kernel.connect(to: address)
            } catch TransportError.handshake(.refusedByPeer(AdmissionRefusal.duplicateName.wireReason)) {
                let wait = min(backoff, deadline - .now)
                guard wait > .zero, !state.withLock({ $0.stopped }) else {
                    throw TransportError.handshake(.refusedByPeer(AdmissionRefusal.duplicateName.wireReason))
                }
                try await Task.sleep(for: wait)
                backoff = min(backoff * 2, configuration.reconnectMaxBackoff)
            }
        }
    }

    /// Removes `node` from the cluster; with this node's own name (the default), this node
    /// leaves: it tells every member, waits (up to the gossip interval) for them to drop it,
    /// then disconnects from the rest. Partisan's `leave/0,1`.
    public func leave(_ node: Node? = nil) async {
        await leave(node ?? self.node, waitingUpTo: configuration.gossipInterval)
    }

    /// This node leaves, as ``leave(_:)`` does, waiting up to `wait` for the members to drop
    /// it (a graceful shutdown waits longer than the gossip interval, so that a loaded member
    /// reads the leave before this node disconnects).
    package func leave(waitingUpTo wait: Duration) async {
        await leave(node, waitingUpTo: wait)
    }

    private func leave(_ leaving: Node, waitingUpTo wait: Duration) async {
        let (update, membersChanged) = state.withLock { s in
            let update = s.manager.leave(leaving)
            let membersChanged = s.members != update.members
            s.members = update.members
            s.wanted = Dictionary(update.connect.map { ($0.node, $0) }, uniquingKeysWith: { $1 })
            return (update, membersChanged)
        }
        if membersChanged { notifyMembersChanged(update.members) }
        for (peer, message) in update.messages { kernel.sendOverlay(message, to: peer) }
        // Give the messages time to go out before the connections close.
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait)
        while update.disconnect.contains(where: { kernel.isConnected($0) }), clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        for peer in update.disconnect { kernel.disconnect(peer) }
    }

    /// Sends `payload` to `target` through the overlay, also when this node has no connection
    /// to it (``HyParViewMembership/forward(_:to:)``); it reaches the handler set with
    /// ``onOverlayDelivery(_:)`` on `target`. Returns `false` when the overlay does not forward
    /// (only HyParView does; the other overlays connect members directly).
    ///
    /// The kernel sends process messages with ``DeliveryOptions/transitive`` to nodes it has no
    /// session with this way too; on `target` they go to its kernel, not to the handler.
    @discardableResult
    public func forward(_ payload: Term, to target: Node) -> Bool {
        guard state.withLock({ $0.manager is HyParViewMembership && !$0.stopped }) else { return false }
        perform { manager in
            guard var hyParView = manager as? HyParViewMembership else {
                return PeerServiceUpdate(members: manager.members(), connect: [])
            }
            let update = hyParView.forward(payload, to: target)
            manager = hyParView
            return update
        }
        return true
    }

    /// Calls `handler` with the origin and payload of each message that reached this node
    /// through ``forward(_:to:)`` (on the connection's event loop; it must not block). Process
    /// messages the kernel forwarded (``DeliveryOptions/transitive``) go to the kernel instead.
    public func onOverlayDelivery(_ handler: @escaping @Sendable (Node, Term) -> Void) {
        deliveryHandler.withLock { $0 = handler }
    }

    /// Stops ticking and reconnecting; the kernel and its sessions stay.
    public func stop() {
        state.withLock { $0.stopped = true }
        ticker.withLock { $0?.cancel() }
    }

    /// **Test hook** simulating a hung node (what `SIGSTOP` does to a real one, which a test
    /// cannot do to one node of a process): the service stops sending heartbeats and gossip
    /// and ignores incoming membership traffic, while its connections stay open. Peers must
    /// declare it down with ``NodeDownReason/heartbeatTimeout``.
    package func suspendForTesting() { state.withLock { $0.suspended = true } }

    /// Ends ``suspendForTesting()``.
    package func resumeForTesting() { state.withLock { $0.suspended = false } }

    // MARK: Events

    private func received(_ term: Term, from peer: Node) {
        let now = ContinuousClock.now
        let live = state.withLock { s -> Bool in
            guard !s.suspended, !s.stopped else { return false }
            s.lastHeard[peer] = now
            return true
        }
        guard live, term != .atom("heartbeat") else { return }
        // A message still buffered on a connection the peer dialled when the session ended is
        // stale: the overlay has taken the peer down since (a late NEIGHBOR answer would bring
        // back a link that was just dropped), as the kernel drops link and monitor signals then.
        guard kernel.hasSession(with: peer) else { return }
        if routeToService(term, from: peer) { return }
        perform { $0.handle(message: term, from: peer) }
    }

    private func peerUp(_ peer: Node) {
        let held = state.withLock { s in
            s.lastHeard[peer] = .now
            return s.held.removeValue(forKey: peer) ?? []
        }
        for message in held { kernel.sendOverlay(message, to: peer) }
        perform { $0.peerUp(peer) }
    }

    private func peerDown(_ peer: Node) {
        perform { $0.peerDown(peer) }
        let spec = state.withLock { s in s.stopped ? nil : s.wanted[peer] }
        if let spec { reconnect(spec) }
    }

    func tick() {
        let now = ContinuousClock.now
        let (connected, silent, live) = state.withLock { s -> ([Node], [Node], Bool) in
            guard !s.suspended, !s.stopped else { return ([], [], false) }
            var connected: [Node] = []
            var silent: [Node] = []
            for peer in s.members.map(\.node) where peer != node && kernel.isConnected(peer) {
                let heard = s.lastHeard[peer] ?? now
                s.lastHeard[peer] = heard
                if now - heard > configuration.suspectAfter { silent.append(peer) } else { connected.append(peer) }
            }
            return (connected, silent, true)
        }
        guard live else { return }
        for peer in connected { kernel.sendOverlay(.atom("heartbeat"), to: peer) }
        for peer in silent {
            logger.warning("member stopped answering", metadata: ["node": "\(node)", "peer": "\(peer)"])
            state.withLock { _ = $0.lastHeard.removeValue(forKey: peer) }
            kernel.declareDown(peer)
        }
        perform { $0.periodic() }
    }

    // MARK: Services on the membership channel

    /// The services multiplexed with the overlay's traffic, and the member-list subscribers.
    private struct ServiceHandlers: Sendable {
        /// Per tag, per name.
        var byTag: [String: [String: @Sendable (Term, Node) -> Void]] = [:]
        var membersChanged: [String: @Sendable ([NodeSpec]) -> Void] = [:]
    }

    /// Routes `{Tag, Name, Message}` on the `membership` channel to `handler(Message, sender)`
    /// instead of the overlay manager, for a service sharing the channel (a broadcast, for
    /// example ``PlumtreeService``); `nil` removes it. Once a tag has had a handler, every
    /// message carrying it goes to that tag's services: one for a name not running here is
    /// dropped (logged at debug level: peers may start a service earlier), one of another
    /// shape is logged and dropped. Before that, such messages reach the overlay manager,
    /// which ignores messages it does not know. `handler` runs on the connection's event loop,
    /// only while this service is live (not stopped or suspended), and must not block.
    package func setServiceHandler(tag: String, name: String, _ handler: (@Sendable (Term, Node) -> Void)?) {
        services.withLock { $0.byTag[tag, default: [:]][name] = handler }
    }

    /// Calls `handler` with the new member list whenever the overlay's members change (see
    /// ``members()``), outside the lock, on whatever thread made the change; `nil` removes the
    /// handler set under `key`. Two changes made at once may be reported out of order, so a
    /// subscriber that needs the latest list reads ``members()``. It must not block.
    package func onMembersChanged(key: String, _ handler: (@Sendable ([NodeSpec]) -> Void)?) {
        services.withLock { $0.membersChanged[key] = handler }
    }

    /// Sends `term` to `peer` on the `membership` channel, for a service sharing it (see
    /// ``setServiceHandler(tag:name:_:)``); returns `false` (and drops it) when the peer is
    /// not connected, or while this service is stopped or suspended.
    @discardableResult
    package func sendOnChannel(_ term: Term, to peer: Node) -> Bool {
        guard state.withLock({ !$0.stopped && !$0.suspended }) else { return false }
        return kernel.sendOverlay(term, to: peer)
    }

    /// Whether ``stop()`` was called.
    package var isStopped: Bool { state.withLock { $0.stopped } }

    /// Hands `term` to its service if its tag belongs to one; returns whether it did (or
    /// dropped it as a malformed service message).
    private func routeToService(_ term: Term, from peer: Node) -> Bool {
        guard let fields = term.tupleValue, let tag = fields.first?.atomValue else { return false }
        guard let names = services.withLock({ $0.byTag[tag] }) else { return false }
        guard fields.count == 3, let name = fields[1].atomValue else {
            logger.notice(
                "dropped a malformed service message",
                metadata: ["node": "\(node)", "peer": "\(peer)", "tag": "\(tag)"])
            return true
        }
        guard let handler = names[name] else {
            // A peer may run a service this node has not started (yet): not an error.
            logger.debug(
                "dropped a message for a service not running here",
                metadata: ["node": "\(node)", "peer": "\(peer)", "tag": "\(tag)"])
            return true
        }
        handler(fields[2], peer)
        return true
    }

    private func notifyMembersChanged(_ members: [NodeSpec]) {
        for handler in services.withLock({ Array($0.membersChanged.values) }) { handler(members) }
    }

    // MARK: Carrying out updates

    /// Runs `event` on the manager under the lock, then carries out its update outside it.
    private func perform(_ event: (inout any PeerServiceManager) -> PeerServiceUpdate) {
        let (update, membersChanged) = state.withLock { s -> (PeerServiceUpdate?, Bool) in
            guard !s.stopped else { return (nil, false) }
            let update = event(&s.manager)
            let membersChanged = s.members != update.members
            s.members = update.members
            s.wanted = Dictionary(update.connect.map { ($0.node, $0) }, uniquingKeysWith: { $1 })
            for gone in update.disconnect { s.wanted[gone] = nil }
            for peer in Array(s.held.keys) where s.wanted[peer] == nil { s.held[peer] = nil }
            return (update, membersChanged)
        }
        guard let update else { return }
        if membersChanged { notifyMembersChanged(update.members) }
        if !update.delivered.isEmpty {
            let handler = deliveryHandler.withLock { $0 }
            // Process messages sent transitively go to the kernel; the rest are the user's.
            for delivery in update.delivered where !kernel.deliverForwarded(delivery.payload, from: delivery.from) {
                handler?(delivery.from, delivery.payload)
            }
        }
        for (peer, message) in update.messages where !kernel.sendOverlay(message, to: peer) { hold(message, for: peer) }
        for peer in update.disconnect { kernel.disconnect(peer) }
        for spec in update.connect where spec.node != node && !kernel.hasSession(with: spec.node) { reconnect(spec) }
    }

    /// Keeps `message` until `peer` connects, if the overlay wants it connected.
    private func hold(_ message: Term, for peer: Node) {
        let connectedMeanwhile = state.withLock { s -> Bool in
            guard s.manager.holdsMessagesUntilConnected, s.wanted[peer] != nil else { return false }
            if kernel.isConnected(peer) { return true }
            s.held[peer, default: []].append(message)
            if s.held[peer]!.count > Self.heldMessageLimit { s.held[peer]!.removeFirst() }
            return false
        }
        if connectedMeanwhile { kernel.sendOverlay(message, to: peer) }
    }

    /// Keeps trying to connect to `spec`'s node while the overlay wants it and it is not
    /// connected: at once, then after a backoff that doubles up to the maximum.
    private func reconnect(_ spec: NodeSpec) {
        let peer = spec.node
        let start = state.withLock { s in s.reconnecting.insert(peer).inserted }
        guard start else { return }
        Task {
            var backoff = configuration.reconnectInitialBackoff
            while true {
                let target = state.withLock { s -> NodeSpec? in
                    guard !s.stopped, !s.suspended, let wanted = s.wanted[peer], !kernel.isConnected(peer) else {
                        s.reconnecting.remove(peer)
                        return nil
                    }
                    return wanted
                }
                guard let target, let address = target.listenAddresses.first else { return }
                if !kernel.hasSession(with: peer) {
                    do {
                        try await kernel.connect(to: address)
                    } catch {
                        logger.debug("reconnect failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
                        // A peer the overlay wants but cannot reach is down as far as the
                        // overlay is concerned (HyParView replaces it from its passive view);
                        // a session that never came up reports no `NodeDown` of its own.
                        peerDown(peer)
                    }
                }
                if kernel.isConnected(peer) { continue }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, configuration.reconnectMaxBackoff)
            }
        }
    }
}
