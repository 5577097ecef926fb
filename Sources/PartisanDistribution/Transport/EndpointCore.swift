import NIOCore
import PartisanCore
import Synchronization

/// What every connection of one ``TransportEndpoint`` shares: identity, configuration,
/// delegate, and the set of open channels (so shutdown can close them all).
final class EndpointCore: Sendable {
    private struct State {
        var spec: NodeSpec
        var lanePorts: [Int] = []
        var open: [ObjectIdentifier: any Channel] = [:]
        var shutDown = false
        /// Inbound connections in their handshake.
        var handshakes: PendingHandshakes<any Channel>
        /// When a displacement for too many handshakes was last logged.
        var lastDisplacementLogged: ContinuousClock.Instant?
    }

    /// An inbound connection's place among the handshakes in progress: the peer's IP address
    /// (empty when unknown) and the place's number.
    struct HandshakeSlot {
        let address: String
        let id: UInt64
    }

    /// Tells a connection's ``HandshakeHandler`` (as a user inbound event) that a newer
    /// connection displaced its handshake (see ``PendingHandshakes``).
    struct HandshakeDisplaced: Sendable {}

    let node: Node
    let creation: UInt32
    let configuration: TransportConfiguration
    let delegate: any TransportDelegate
    let encoder: FrameEncoder
    /// The faults injected on this endpoint: partitions, interposition functions (see
    /// ``FaultInjector``).
    let faults = FaultInjector()
    /// The loops of the endpoint's group, in the order lanes number them.
    let loops: [any EventLoop]
    private let state: Mutex<State>

    init(
        spec: NodeSpec, creation: UInt32, configuration: TransportConfiguration, delegate: any TransportDelegate,
        loops: [any EventLoop]
    ) {
        self.loops = loops
        self.node = spec.node
        self.creation = creation
        self.configuration = configuration
        self.delegate = delegate
        self.encoder = FrameEncoder(maxFrameSize: configuration.maxFrameSize, options: configuration.encoding)
        self.state = Mutex(
            State(
                spec: spec,
                handshakes: PendingHandshakes(
                    limit: configuration.maxHandshakes, limitPerAddress: configuration.maxHandshakesPerAddress)))
    }

    /// The spec this node announces.
    var spec: NodeSpec {
        get { state.withLock { $0.spec } }
        set { state.withLock { $0.spec = newValue } }
    }

    /// The ports of the per-loop listeners, in loop order; empty when there are none.
    var lanePorts: [Int] {
        get { state.withLock { $0.lanePorts } }
        set { state.withLock { $0.lanePorts = newValue } }
    }

    /// The lane of a connection running on `loop`: its index among ``loops`` (0 for a loop of
    /// another group) and the per-loop listener ports.
    func lane(of loop: any EventLoop) -> ConnectionLane {
        ConnectionLane(loop: loops.firstIndex { $0 === loop } ?? 0, ports: lanePorts)
    }

    /// This node's channel named `name`.
    func channel(named name: String) -> ChannelSpec? { spec.channel(named: name) }

    /// Installs the connection pipeline on a new channel: the TLS handlers (or, on plain TCP,
    /// the detector of a peer that speaks TLS; see ``tlsHandlers(for:)``), then frame decoder,
    /// handshake, connection. Throws ``TransportError/shutDown`` once the endpoint is shut down.
    func configure(
        _ channel: any Channel, role: HandshakeHandler.Role, promise: EventLoopPromise<Connection>?
    ) throws {
        try track(channel)
        let direction: ConnectionInfo.Direction = if case .dialler = role { .outbound } else { .inbound }
        let limits = FrameLimits(handshake: configuration.handshakeFrameSize, established: configuration.maxFrameSize)
        try channel.pipeline.syncOperations.addHandlers(
            tlsHandlers(for: direction) + [
                ByteToMessageHandler(FrameDecoder(limits: limits)),
                HandshakeHandler(core: self, role: role, limits: limits),
                ConnectionHandler(core: self, direction: direction, promise: promise),
            ])
    }

    /// Takes a place among the inbound handshakes in progress for `channel`, from a peer at
    /// `address`. When the endpoint already runs ``TransportConfiguration/maxHandshakes`` of
    /// them, or ``TransportConfiguration/maxHandshakesPerAddress`` for that IP address, the
    /// oldest handshake of the address holding the most is displaced: its connection is
    /// refused (`busy`) and closed.
    func beginHandshake(from address: SocketAddress?, channel: any Channel) -> HandshakeSlot {
        let address = address?.ipAddress ?? ""
        let (id, displaced, log) = state.withLock { state in
            let (id, displaced) = state.handshakes.add(from: address, channel)
            guard displaced != nil else { return (id, displaced, false) }
            // One log line a second at most: a flood must not become a flood of log lines.
            let now = ContinuousClock.now
            let log = state.lastDisplacementLogged.map { now - $0 >= .seconds(1) } ?? true
            if log { state.lastDisplacementLogged = now }
            return (id, displaced, log)
        }
        if let displaced {
            displaced.pipeline.fireUserInboundEventTriggered(HandshakeDisplaced())
            if log {
                configuration.logger.warning(
                    "too many handshakes in progress, closing the oldest",
                    metadata: [
                        "remote": "\(address)", "limit": "\(configuration.maxHandshakes)",
                        "per_address": "\(configuration.maxHandshakesPerAddress)",
                    ])
            }
        }
        return HandshakeSlot(address: address, id: id)
    }

    /// Gives back a place taken by ``beginHandshake(from:channel:)`` (nothing if it was
    /// displaced).
    func endHandshake(_ slot: HandshakeSlot) {
        state.withLock { $0.handshakes.remove(slot.id, from: slot.address) }
    }

    /// Remembers `channel` until it closes.
    private func track(_ channel: any Channel) throws(TransportError) {
        let id = ObjectIdentifier(channel)
        try state.withLock { state throws(TransportError) in
            guard !state.shutDown else { throw .shutDown }
            state.open[id] = channel
        }
        channel.closeFuture.whenComplete { _ in
            self.state.withLock { _ = $0.open.removeValue(forKey: id) }
        }
    }

    /// Whether ``beginShutdown()`` was called.
    var isShutDown: Bool { state.withLock { $0.shutDown } }

    /// Refuses new channels from now on and returns the open ones.
    func beginShutdown() -> [any Channel] {
        state.withLock { state in
            state.shutDown = true
            return Array(state.open.values)
        }
    }
}
