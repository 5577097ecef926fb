import Logging
import NIOCore
import PartisanCore
import Synchronization

/// A node's distribution: its transport endpoint, its sessions with peers, the links and
/// monitors that cross to them, and node monitors — Erlang's `net_kernel` and `dist` in one.
///
/// The kernel is the runtime's ``RemoteRouter`` (``start(runtime:host:port:channels:configuration:codec:)``
/// attaches it): every send, link, monitor, exit signal and `DOWN` whose target is on another
/// node becomes a ``ControlMessage`` on that peer's `default` channel. Incoming ones are
/// applied to the runtime on the connection's event loop.
///
/// **Sessions.** ``connect(to:)`` dials all of this node's channels × parallelism. Once all of
/// those connections have arrived, the peer dials back, so both nodes send on connections
/// they dialled (as Partisan does), or, with ``ConnectionSharing/shared``, sends on the
/// arrived connections themselves (as Erlang does). A node is *connected* (``nodes()``,
/// ``isConnected(_:)``) once the connections it sends on are up; until then messages to the
/// peer wait in order and are written when they are. Links and monitors need a session
/// (connecting or up): without one they fail at once with `noconnection`. What each
/// connection means to a session is decided by the ``SessionTable``; the kernel feeds it the
/// transport's events and performs the ``SessionEffect``s it returns.
///
/// **Ordering.** All process-level traffic from one local process — messages, link, unlink,
/// exit signals, monitor, demonitor, and the `DOWN`s it causes — travels on the `default`
/// channel with that process's pid as partition key, so it takes one TCP connection and
/// arrives in the order it was sent: Erlang's guarantee for signals between a pair of
/// processes (a message followed by an exit signal is never overtaken by it).
///
/// **Losing a peer.** When a connection this node sends on to a peer closes (or
/// ``disconnect(_:)`` is called), the session ends: every local process linked to one of the
/// peer's processes gets an exit signal `noconnection`, every monitor on one of its
/// processes fires `DOWN(noconnection)`, monitors the peer's processes held on local ones are
/// dropped, node monitors get ``NodeDown``, and the remaining connections to the peer are
/// closed (so the peer sees the session end too).
///
/// **Incarnations.** A node name has one session at a time, with one incarnation (the
/// peer's creation). While a session with incarnation X of a name is in place (connecting
/// or up), a connection from any other incarnation Y of that name is refused during its
/// handshake (``admit(_:)``, either side dialling): Y is told `duplicate_name`
/// (``AdmissionRefusal/duplicateName``) and this node logs one warning, "refusing a second
/// incarnation of N while the first is connected"; Y logs "peer refused: another node named N
/// is connected to it". X's session is never touched. Once X is gone — its connections
/// closed (a process that exits or dies closes them at once), ``disconnect(_:)``, or declared
/// down by the overlay's failure detection (``NodeDownReason/heartbeatTimeout``) — the next
/// attempt of Y (the overlay's reconnection, a join's retries) opens a session; from then on
/// X is the one refused, until Y is gone in turn. Nothing is remembered beyond the session in
/// place: no incarnation is refused for good, and a real restart (the old process died) is
/// let in as soon as its old connections are seen to close. Late connections of an
/// incarnation whose session ended are refused the same way while another's lives. A peer
/// that is not a member of the overlay gets no heartbeats: a hung one holds its name until its
/// connections close or ``disconnect(_:)`` ends its session.
package final class NetKernel: Sendable {
    struct State {
        /// The sessions with peers: their decision state, and each one's links, monitors and
        /// pending messages.
        var sessions: SessionTable
        /// The addresses that refused this node because another incarnation of its name is
        /// connected there, so that the refusal is logged once, until a connect there succeeds.
        var refusedAsDuplicate: Set<ListenAddress> = []
        /// `monitor_node` watchers per node; a watcher may appear more than once.
        var nodeMonitors: [Node: [Pid]] = [:]
        /// `monitor_nodes` subscribers.
        var allNodesMonitors: [Pid: NodeSelection] = [:]
        var upCallbacks: [@Sendable (Node) -> Void] = []
        var downCallbacks: [@Sendable (Node, NodeDownReason) -> Void] = []
        /// Receives the terms of the `membership` channel (the overlay's driver); without
        /// one they are read as process traffic.
        var overlayHandler: (@Sendable (Term, Node) -> Void)?
        /// Carries a transitive message through the overlay to a node without a session
        /// (see ``NetKernel/setOverlayForwarder(_:)``).
        var overlayForwarder: (@Sendable (Term, Node) -> Bool)?
        /// Whether a peer without a session may connect; `false` once the node stops
        /// accepting work (``NetKernel/stopAccepting()``).
        var acceptsNewPeers = true

        /// The `monitor_nodes` subscribers whose selection covers nodes of `type`.
        func nodesWatchers(of type: NodeType) -> [Pid] {
            allNodesMonitors.filter { $0.value.contains(type) }.map(\.key)
        }
    }

    /// The local runtime.
    package let runtime: ProcessRuntime
    /// The codec of message payloads: register message types here.
    package let codec: MessageCodec
    /// How control messages are encoded (the transport's setting).
    let encodingOptions: ETF.EncodingOptions
    /// The kernel's state under its one lock: the session table, node monitors, callbacks and
    /// the overlay's hooks.
    let state: Mutex<State>
    let logger: Logger
    private let endpointSlot = Mutex<TransportEndpoint?>(nil)
    /// Connects in flight, by address: a second connect to the same address waits for the
    /// first instead of dialling a second set (which would replace the first's session).
    private let connecting = Mutex<[ListenAddress: Task<Node, any Error>]>([:])

    private init(runtime: ProcessRuntime, codec: MessageCodec, configuration: TransportConfiguration) {
        self.runtime = runtime
        self.codec = codec
        self.encodingOptions = configuration.encoding
        self.state = Mutex(State(sessions: SessionTable(connectionSharing: configuration.connectionSharing)))
        self.logger = configuration.logger
    }

    /// Starts a transport endpoint for `runtime`'s node on `host`:`port` (0 picks a free
    /// port), announcing `advertisedHost` (or `host` when `nil`) to peers, and attaches the
    /// kernel as the runtime's ``RemoteRouter``. Process traffic needs the `default` channel:
    /// it is added to `channels` when missing.
    ///
    /// - Throws: ``TransportError/weakCookie(host:)`` for an empty or well-known cookie on a
    ///   `host` that is not loopback, or the listener's error.
    package static func start(
        runtime: ProcessRuntime,
        host: String = "127.0.0.1",
        port: Int = 0,
        advertisedHost: String? = nil,
        channels: [ChannelSpec] = ChannelSpec.standard,
        configuration: TransportConfiguration,
        codec: MessageCodec = MessageCodec()
    ) async throws -> NetKernel {
        var configuration = configuration
        configuration.metricsFactory = runtime.metricsFactory
        let kernel = NetKernel(runtime: runtime, codec: codec, configuration: configuration)
        let channels = channels.contains { $0.name == ChannelSpec.default.name } ? channels : [.default] + channels
        let endpoint = try await TransportEndpoint.start(
            node: runtime.node, creation: runtime.creation, host: host, port: port, advertisedHost: advertisedHost,
            channels: channels,
            configuration: configuration, delegate: kernel)
        kernel.endpointSlot.withLock { $0 = endpoint }
        runtime.remoteRouter = kernel
        return kernel
    }

    /// The endpoint, once started.
    var endpoint: TransportEndpoint? { endpointSlot.withLock { $0 } }

    /// Where peers dial this node: its advertised host (the listen host when none was given)
    /// and its bound port.
    package var listenAddress: ListenAddress { endpoint!.listenAddress }

    /// What this node announces to peers: name, listen addresses, channels (Partisan's
    /// `node_spec()`).
    package var spec: NodeSpec { endpoint!.spec }

    // MARK: Connecting

    /// Connects to the node listening at `address`: dials every channel × parallelism and
    /// returns the peer's name once this node can send to it. The peer dials back on its own;
    /// its messages wait on its side until its connections are up. Connecting to an address a
    /// connected node announced returns that node at once; a connect to an address another
    /// connect is dialling waits for that one's outcome.
    ///
    /// - Throws: the transport's error when a connection or handshake fails.
    @discardableResult
    package func connect(to address: ListenAddress) async throws -> Node {
        guard endpoint != nil, !state.withLock({ $0.sessions.isShuttingDown }) else { throw TransportError.shutDown }
        if let peer = connectedNode(listeningAt: address) { return peer }
        let attempt = connecting.withLock { inFlight in
            if let attempt = inFlight[address] { return attempt }
            let attempt = Task { try await self.dial(address) }
            inFlight[address] = attempt
            return attempt
        }
        defer { connecting.withLock { if $0[address] == attempt { $0[address] = nil } } }
        return try await attempt.value
    }

    /// Dials a new set of connections to `address` and makes them the session's.
    private func dial(_ address: ListenAddress) async throws -> Node {
        guard let endpoint else { throw TransportError.shutDown }
        let set = state.withLock { $0.sessions.reserveSet() }
        do {
            let connections = try await endpoint.connect(to: address, set: ConnectionSet(number: set))
            state.withLock { _ = $0.refusedAsDuplicate.remove(address) }
            try establish(connections, set: set)
            return connections.peer
        } catch {
            drive { $0.releaseSet(set) }
            if case TransportError.handshake(.refusedByPeer(AdmissionRefusal.duplicateName.wireReason)) = error,
                state.withLock({ $0.refusedAsDuplicate.insert(address).inserted })
            {
                logger.warning(
                    "peer refused: another node named \(runtime.node) is connected to it",
                    metadata: ["address": "\(address)", "creation": "\(runtime.creation)"])
            }
            throw error
        }
    }

    /// The connected node that announced `address` as where it listens, if any.
    private func connectedNode(listeningAt address: ListenAddress) -> Node? {
        state.withLock { s in
            s.sessions.all.first { _, session in
                session.connections?.connections.values.joined().first?.info.peerSpec.listenAddresses.contains(address)
                    ?? false
            }?.key
        }
    }

    /// Dials back a peer that dialled this node, on the channels both have (`channels`, the
    /// peer's). Each connection runs on the event loop of the peer's connection of the same
    /// channel and index, so a request read on one and the reply written on the other stay on
    /// one thread here; and it dials the peer's listener of the loop the peer's end of that
    /// connection runs on (`lanes`), so they stay on one thread there too.
    func dialBack(
        _ peer: Node, creation: UInt32, answering peerSet: UInt64, at address: ListenAddress?,
        channels: Set<String>, lanes: [ChannelKey: DialBackLane]
    ) async {
        let set = state.withLock { $0.sessions.reserveSet() }
        do {
            guard let endpoint, let address else { throw TransportError.connectionClosed }
            let connections = try await endpoint.connect(
                to: address, expecting: peer, only: channels, set: ConnectionSet(number: set, answers: peerSet),
                eventLoop: { channel, index in lanes[ChannelKey(name: channel, index: index)]?.loop },
                aim: { channel, index in lanes[ChannelKey(name: channel, index: index)]?.aim })
            try establish(connections, answering: peerSet, set: set)
        } catch {
            logger.notice("cannot connect back", metadata: ["peer": "\(peer)", "error": "\(error)"])
            drive { $0.dialBackFailed(peer, creation: creation, set: set, answering: peerSet) }
        }
    }

    /// Makes `connections` the ones the session sends on (this node's, or the peer's when
    /// connections are shared): writes the messages that waited for them, then reports the
    /// node up (see ``SessionTable/establish(_:isOpen:answering:set:)``).
    ///
    /// - Throws: ``TransportError/connectionClosed`` when the set is not taken (it is closed).
    func establish(_ connections: PeerConnections, answering: UInt64? = nil, set: UInt64? = nil) throws {
        let isOpen = connections.isOpen
        let effects = drive { $0.establish(connections, isOpen: isOpen, answering: answering, set: set) }
        if case .abandon = effects.first { throw TransportError.connectionClosed }
    }

    // MARK: Peers

    /// The connected visible nodes: Erlang's `nodes()`.
    package func nodes() -> [Node] { nodes(.visible) }

    /// The connected nodes of the types `selection` covers: Erlang's `nodes/1` with
    /// `visible`, `hidden` or `connected`.
    package func nodes(_ selection: NodeSelection) -> [Node] {
        state.withLock { s in
            s.sessions.all.filter { $0.value.isUp && selection.contains($0.value.type) }.map(\.key).sorted()
        }
    }

    /// Whether this node's connections to `node` are up: Partisan's `is_connected/1`.
    package func isConnected(_ node: Node) -> Bool {
        state.withLock { $0.sessions[node]?.isUp ?? false }
    }

    /// The connections this node sends on to `node`, by channel and index: its own, or the
    /// peer's under ``ConnectionSharing/shared`` (their ``ConnectionInfo/direction`` says
    /// which); empty when not connected.
    package func sendingConnections(to node: Node) -> [ConnectionInfo] {
        let connections = state.withLock { $0.sessions[node]?.connections?.connections.values.joined() }
        return (connections.map(Array.init) ?? []).map(\.info).sorted {
            ($0.channel.name, $0.index) < ($1.channel.name, $1.index)
        }
    }

    /// Every open connection of the session with `node`, in either direction: those this node
    /// sends on and those the peer sends on, with their channel, direction and lanes (see
    /// ``ConnectionLane``); empty when there is no session.
    package func connections(with node: Node) -> [ConnectionInfo] {
        let all = state.withLock { $0.sessions[node]?.everyConnection ?? [] }
        var seen = Set<ObjectIdentifier>()
        return all.filter { seen.insert(ObjectIdentifier($0)).inserted && $0.isOpen }.map(\.info)
    }

    /// Whether every connection of every channel to `node` is up (and none has closed):
    /// Partisan's `is_fully_connected/1`.
    package func isFullyConnected(_ node: Node) -> Bool {
        state.withLock { $0.sessions[node]?.connections?.isOpen ?? false }
    }

    /// Ends the session with `node` (Erlang's `disconnect_node/1`): links and monitors across
    /// fire with `noconnection`, node monitors get ``NodeDown`` with `.disconnect`, and the
    /// connections close. Returns whether there was a session.
    @discardableResult
    package func disconnect(_ node: Node) -> Bool {
        nodeDown(node, reason: .disconnect)
    }

    /// Ends every session (reason `.shutdown`), detaches from the runtime, and closes the
    /// endpoint. Later connects fail with ``TransportError/shutDown``.
    package func shutdown() async {
        drive { $0.shutdown() }
        if runtime.remoteRouter as? NetKernel === self { runtime.remoteRouter = nil }
        await endpoint?.shutdown()
    }

    /// Ends the session with `peer`, if there is one, and signals everything that depended
    /// on it; returns whether there was one.
    @discardableResult
    func nodeDown(_ peer: Node, reason: NodeDownReason) -> Bool {
        !drive { $0.end(peer, reason: reason) }.isEmpty
    }

    /// Starts closing every connection of `connections` without waiting.
    static func close(_ connections: PeerConnections) {
        for connection in connections.connections.values.joined() { connection.channel.close(promise: nil) }
    }

    /// Queues the encoded control message `bytes` on the connection `route` picks; a failure
    /// drops the message and is logged.
    static func write(_ bytes: EncodedMessage, on connections: PeerConnections, route: Route, logger: Logger) {
        do throws(TransportError) {
            guard let connection = connections.connection(on: route.channel, partition: route.partition) else {
                throw .unknownChannel(route.channel)
            }
            try connection.send(encoded: bytes, key: route.monotonicKey)
        } catch .connectionClosed {
            // The session is ending; its end signals links and monitors.
        } catch {
            logger.warning("message to \(connections.peer) dropped", metadata: ["error": "\(error)"])
        }
    }
}
