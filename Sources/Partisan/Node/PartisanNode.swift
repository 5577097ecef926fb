import Logging

/// A running node: the process runtime of one node name and, when started with a cookie, its
/// distribution (listener, connections to peers, remote processes, node monitors).
///
/// Nodes are objects you start, not globals: one OS process can run many (tests start several
/// side by side). The node forwards the process API of its ``runtime``; sends, links and
/// monitors whose target is on another node go through its ``kernel``.
public final class PartisanNode: Sendable {
    /// The node's process runtime.
    public let runtime: ProcessRuntime
    /// The node's distribution; `nil` for a node started without networking.
    package let kernel: NetKernel?
    /// The type registry of messages that cross nodes (see ``registerMessageType(_:manifest:)``).
    public let codec: MessageCodec
    /// The node's overlay (chosen by ``Configuration/Distribution/overlay``): cluster membership, gossip and failure detection;
    /// `nil` for a node started without networking.
    public let membership: MembershipService?
    /// The node's remote function calls: the functions it exposes and their server (see
    /// ``erpc`` and ``rpc`` for calling other nodes).
    public let rpcService: RPCService
    /// The Plumtree broadcasts running on the node, by name (see ``startPlumtreeBroadcast(_:handler:configuration:)``).
    let broadcasts = BroadcastRegistry()
    /// Samples the node's gauges (``Configuration/MetricsSettings/sampleInterval``); `nil` when
    /// sampling is off.
    let metricsSampler: NodeMetricsSampler?

    private init(
        runtime: ProcessRuntime, kernel: NetKernel?, codec: MessageCodec, membership: MembershipService? = nil,
        configuration: Configuration
    ) {
        self.runtime = runtime
        self.kernel = kernel
        self.codec = codec
        self.membership = membership
        self.rpcService = RPCService(runtime: runtime) { node, watcher in
            if let kernel {
                kernel.monitorNode(node, watcher: watcher)
            } else {
                runtime.send(NodeDown(node: node, reason: .notConnected), to: watcher)
            }
        }
        rpcService.maxConcurrentCalls = configuration.rpc.maxConcurrentCalls
        let rpcService = self.rpcService
        metricsSampler = configuration.metrics.sampleInterval.map { interval in
            NodeMetricsSampler(
                runtime: runtime, rpc: rpcService, membership: membership, kernel: kernel, interval: interval)
        }
        runtime.crashReports = configuration.logging.crashReports
        BuiltinFunctions.register(on: self)
        if kernel != nil { rpcService.startServer() }
    }

    /// Starts a node with every setting of `configuration` (see ``Configuration``): with
    /// networking when its ``Configuration/distribution`` is set, without otherwise.
    ///
    /// The cookie is the only thing that keeps strangers who can reach the port out: on any
    /// listen host but loopback (127.0.0.0/8, `::1`, `localhost`) the node refuses to start
    /// with an empty cookie or a well-known one (``Cookie/wellKnown``, such as `"partisan"`).
    /// On loopback any cookie works.
    ///
    /// - Throws: ``TransportError/weakCookie(host:)`` for a weak cookie on a non-loopback
    ///   host (nothing is bound), or the listener's error (for example, the port is taken).
    public static func start(_ configuration: Configuration) async throws -> PartisanNode {
        let execution = configuration.execution ?? (configuration.distribution == nil ? .global : .eventLoops)
        let runtime = ProcessRuntime(
            node: configuration.name, creation: configuration.creation, logger: configuration.logging.logger,
            executor: execution.executor, metrics: configuration.metrics.factory)
        guard let distribution = configuration.distribution else {
            return PartisanNode(runtime: runtime, kernel: nil, codec: makeCodec(), configuration: configuration)
        }
        var transport = distribution.transport
        transport.logger = runtime.logger
        let codec = makeCodec()
        let kernel = try await NetKernel.start(
            runtime: runtime, host: distribution.listenHost, port: distribution.listenPort,
            advertisedHost: distribution.advertisedHost, channels: distribution.channels, configuration: transport,
            codec: codec)
        let service = MembershipService.start(
            kernel: kernel, overlay: distribution.overlay, configuration: distribution.membership)
        return PartisanNode(
            runtime: runtime, kernel: kernel, codec: codec, membership: service, configuration: configuration)
    }

    /// Starts a node named `name` (`name@host`) without networking: its processes reach only
    /// each other. The short form of ``start(_:)`` with ``Configuration/init(name:)``.
    public static func start(name: Node) async throws -> PartisanNode {
        try await start(Configuration(name: name))
    }

    /// Starts a node named `name` listening on `host`:`port` (0 picks a free port;
    /// ``listenAddress`` reports it) whose peers must prove `cookie`, with the default full-mesh
    /// overlay; connect it with ``connect(to:)`` or ``join(_:)``. The short form of
    /// ``start(_:)`` for the common case; see ``Configuration`` for every other setting.
    ///
    /// - Throws: ``TransportError/weakCookie(host:)`` for a weak cookie on a non-loopback
    ///   `host`, or the listener's error.
    public static func start(name: Node, cookie: Cookie, host: String = "127.0.0.1", port: Int = 0)
        async throws -> PartisanNode
    {
        var configuration = Configuration(name: name, cookie: cookie)
        configuration.distribution?.listenHost = host
        configuration.distribution?.listenPort = port
        return try await start(configuration)
    }

    private static func makeCodec() -> MessageCodec {
        let codec = MessageCodec()
        codec.registerBehaviourEnvelopes()
        codec.registerRPCEnvelopes()
        return codec
    }

    /// The node's name: Erlang's `node()`.
    public var name: Node { runtime.node }
}
