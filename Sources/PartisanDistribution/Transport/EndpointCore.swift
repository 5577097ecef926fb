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
        /// Inbound connections in their handshake: in all, and by the peer's IP address.
        var handshakes = 0
        var handshakesByAddress: [String: Int] = [:]
        /// When a refusal for too many handshakes was last logged.
        var lastRefusalLogged: ContinuousClock.Instant?
    }

    /// An inbound connection's place among the handshakes in progress: the peer's IP address
    /// (empty when unknown).
    struct HandshakeSlot {
        let address: String
    }

    let node: Node
    let creation: UInt32
    let configuration: TransportConfiguration
    let delegate: any TransportDelegate
    let encoder: FrameEncoder
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
        self.state = Mutex(State(spec: spec))
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

    /// Installs the connection pipeline on a new channel: frame decoder, handshake, connection.
    /// Throws ``TransportError/shutDown`` once the endpoint is shut down.
    func configure(
        _ channel: any Channel, role: HandshakeHandler.Role, promise: EventLoopPromise<Connection>?
    ) throws {
        try track(channel)
        let direction: ConnectionInfo.Direction = if case .dialler = role { .outbound } else { .inbound }
        let limits = FrameLimits(handshake: configuration.handshakeFrameSize, established: configuration.maxFrameSize)
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(FrameDecoder(limits: limits)),
            HandshakeHandler(core: self, role: role, limits: limits),
            ConnectionHandler(core: self, direction: direction, promise: promise),
        ])
    }

    /// Takes a place among the inbound handshakes in progress for a peer at `address`, or
    /// returns `nil` when the endpoint already runs ``TransportConfiguration/maxHandshakes`` of
    /// them, or ``TransportConfiguration/maxHandshakesPerAddress`` for that IP address.
    func beginHandshake(from address: SocketAddress?) -> HandshakeSlot? {
        let slot = HandshakeSlot(address: address?.ipAddress ?? "")
        let (admitted, logRefusal) = state.withLock { state -> (Bool, Bool) in
            let fromAddress = state.handshakesByAddress[slot.address, default: 0]
            guard state.handshakes < configuration.maxHandshakes,
                fromAddress < configuration.maxHandshakesPerAddress
            else {
                // One log line a second at most: a flood must not become a flood of log lines.
                let now = ContinuousClock.now
                let log = state.lastRefusalLogged.map { now - $0 >= .seconds(1) } ?? true
                if log { state.lastRefusalLogged = now }
                return (false, log)
            }
            state.handshakes += 1
            state.handshakesByAddress[slot.address] = fromAddress + 1
            return (true, false)
        }
        if logRefusal {
            configuration.logger.warning(
                "too many handshakes in progress, refusing connections",
                metadata: [
                    "remote": "\(slot.address)", "limit": "\(configuration.maxHandshakes)",
                    "per_address": "\(configuration.maxHandshakesPerAddress)",
                ])
        }
        return admitted ? slot : nil
    }

    /// Gives back a place taken by ``beginHandshake(from:)``.
    func endHandshake(_ slot: HandshakeSlot) {
        state.withLock { state in
            state.handshakes -= 1
            let left = state.handshakesByAddress[slot.address, default: 1] - 1
            state.handshakesByAddress[slot.address] = left > 0 ? left : nil
        }
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
