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
    public let kernel: NetKernel?
    /// The type registry of messages that cross nodes (see ``registerMessageType(_:manifest:)``).
    public let codec: MessageCodec
    /// The node's overlay (chosen by `start`'s `overlay`): cluster membership, gossip and failure detection;
    /// `nil` for a node started without networking.
    public let membership: MembershipService?
    /// The node's remote function calls: the functions it exposes and their server (see
    /// ``erpc`` and ``rpc`` for calling other nodes).
    public let rpcService: RPCService
    /// The Plumtree broadcasts running on the node, by name (see ``startPlumtreeBroadcast(_:handler:configuration:)``).
    let broadcasts = BroadcastRegistry()

    private init(runtime: ProcessRuntime, kernel: NetKernel?, codec: MessageCodec, membership: MembershipService? = nil)
    {
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
        BuiltinFunctions.register(on: self)
        if kernel != nil { rpcService.startServer() }
    }

    /// Starts a node named `name` (`name@host`) without networking: its processes can reach
    /// only each other.
    ///
    /// - Parameters:
    ///   - name: the node's name.
    ///   - creation: this incarnation's number; random when `nil`.
    ///   - logger: where the node logs; a logger labelled `partisan.NAME` when `nil`.
    public static func start(name: Node, creation: UInt32? = nil, logger: Logger? = nil) async throws -> PartisanNode {
        PartisanNode(
            runtime: ProcessRuntime(node: name, creation: creation, logger: logger), kernel: nil, codec: makeCodec())
    }

    /// Starts a distributed node named `name`, listening on `host`:`port` (0 picks a free
    /// port; ``listenAddress`` reports it). Peers must present the same `cookie`; connect to
    /// them with ``connect(to:)``.
    ///
    /// The cookie is the only thing that keeps strangers who can reach the port out: on any
    /// `host` but loopback (127.0.0.0/8, `::1`, `localhost`) the node refuses to start with an
    /// empty cookie or a well-known one (``Cookie/wellKnown``, such as `"partisan"`). On
    /// loopback any cookie works.
    ///
    /// - Parameters:
    ///   - channels: the channels of every peer connection (`default` is added if missing:
    ///     process traffic travels on it).
    ///   - overlay: which overlay decides who connects to whom (full mesh by default; see
    ///     ``Overlay``). Changing it needs no other change to the application.
    ///   - membership: the overlay's timings (gossip interval, failure detection, reconnection).
    ///   - configuration: adjusts the transport's settings (frame and queue limits, timeouts,
    ///     TLS: `{ $0.tls = tls }` with a ``TransportTLS`` made beforehand runs every connection
    ///     over TLS); the cookie and logger are set from the other arguments first.
    ///   - execution: where the node's processes run; by default on the transport's event
    ///     loops (see ``ProcessExecution``).
    /// - Throws: ``TransportError/weakCookie(host:)`` for a weak cookie on a non-loopback
    ///   `host` (nothing is bound), or the listener's error (for example, the port is taken).
    public static func start(
        name: Node,
        host: String = "127.0.0.1",
        port: Int = 0,
        cookie: Cookie,
        channels: [ChannelSpec] = ChannelSpec.standard,
        creation: UInt32? = nil,
        logger: Logger? = nil,
        overlay: Overlay = .fullMesh,
        membership: MembershipConfiguration = .init(),
        execution: ProcessExecution = .eventLoops,
        configuration: (inout TransportConfiguration) -> Void = { _ in }
    ) async throws -> PartisanNode {
        let runtime = ProcessRuntime(node: name, creation: creation, logger: logger, executor: execution.executor)
        var transport = TransportConfiguration(cookie: cookie, logger: runtime.logger)
        configuration(&transport)
        let codec = makeCodec()
        let kernel = try await NetKernel.start(
            runtime: runtime, host: host, port: port, channels: channels, configuration: transport, codec: codec)
        let service = MembershipService.start(kernel: kernel, overlay: overlay, configuration: membership)
        return PartisanNode(runtime: runtime, kernel: kernel, codec: codec, membership: service)
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
