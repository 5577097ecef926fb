/// The distribution API of a node, mirroring Partisan's `partisan` module and Erlang's
/// `net_kernel`. On a node started without networking there are no peers: queries answer
/// empty, node monitors get ``NodeDown`` at once, and ``connect(to:)`` throws.
extension PartisanNode {
    /// Where peers dial the node (its advertised host, see
    /// ``Configuration/Distribution/advertisedHost``, and bound port); `nil` without networking.
    public var listenAddress: ListenAddress? { kernel?.listenAddress }

    /// What the node announces to peers (Partisan's `node_spec()`); `nil` without networking.
    public var nodeSpec: NodeSpec? { kernel?.spec }

    /// Connects to the node listening at `address` (every channel × parallelism, and the peer
    /// connects back) and returns its name; see ``NetKernel/connect(to:)``.
    ///
    /// - Throws: ``PartisanNodeError/notDistributed`` without networking, or the transport's
    ///   error.
    @discardableResult
    public func connect(to address: ListenAddress) async throws -> Node {
        guard let kernel else { throw PartisanNodeError.notDistributed }
        return try await kernel.connect(to: address)
    }

    /// The connected visible nodes: Erlang's `nodes()`.
    public func nodes() -> [Node] { kernel?.nodes() ?? [] }

    /// The connected nodes of the types `selection` covers: Erlang's `nodes/1`.
    public func nodes(_ selection: NodeSelection) -> [Node] { kernel?.nodes(selection) ?? [] }

    /// Whether `node` is connected: Partisan's `is_connected/1`.
    public func isConnected(_ node: Node) -> Bool { kernel?.isConnected(node) ?? false }

    /// Whether every connection to `node` is up: Partisan's `is_fully_connected/1`.
    public func isFullyConnected(_ node: Node) -> Bool { kernel?.isFullyConnected(node) ?? false }

    /// The connections this node sends on to `node`, by channel and index: its own, or the
    /// peer's under ``ConnectionSharing/shared`` (their ``ConnectionInfo/direction`` says
    /// which); empty when not connected.
    public func sendingConnections(to node: Node) -> [ConnectionInfo] { kernel?.sendingConnections(to: node) ?? [] }

    /// Every open connection of the session with `node`, in either direction, with its
    /// channel, direction and lanes: Partisan's `partisan_peer_connections:connections/1`;
    /// empty when there is no session.
    public func connections(with node: Node) -> [ConnectionInfo] { kernel?.connections(with: node) ?? [] }

    /// Disconnects `node` (Erlang's `disconnect_node/1`); returns whether it was connected or
    /// connecting.
    @discardableResult
    public func disconnect(_ node: Node) -> Bool { kernel?.disconnect(node) ?? false }

    /// Sends `message` to `pid` from outside any process, on the channel and connection
    /// `options` pick when `pid` is on another node (through the overlay when there is no
    /// session with it and `options` are ``DeliveryOptions/transitive``): Partisan's
    /// `forward_message/3`. Inside a process, use ``ProcessContext/send(_:to:options:)-(_,Pid,_)``.
    public func forwardMessage(_ message: any Sendable, to pid: Pid, options: DeliveryOptions = .standard) {
        runtime.send(message, to: pid, options: options)
    }

    /// Sends `message` to the process registered as `name` on every connected node (Partisan's
    /// `broadcast/2`); a node without that name drops it.
    public func broadcast(_ message: any Sendable, toName name: String) {
        for node in nodes() {
            if let target = RegisteredName(name, on: node) { try? runtime.send(message, to: target) }
        }
    }

    /// Registers a message type so that values of it sent from other nodes arrive typed (see
    /// ``MessageCodec``). Values of unregistered types arrive as their raw ``Term``.
    public func registerMessageType<T: Codable & Sendable>(_ type: T.Type, manifest: String? = nil) {
        codec.register(type, manifest: manifest)
    }

    /// Registers a server's call, reply and cast types (see ``registerMessageType(_:manifest:)``):
    /// on the server's node for its requests, on callers' nodes for the replies.
    public func registerMessageTypes<Server: GenServer>(of server: Server.Type)
    where Server.Call: Codable, Server.Reply: Codable, Server.Cast: Codable {
        codec.register(Server.Call.self)
        codec.register(Server.Reply.self)
        codec.register(Server.Cast.self)
    }

    /// Sends `watcher` one ``NodeDown`` when `node` goes down, at once if it is not connected:
    /// Erlang's `monitor_node(Node, true)`.
    public func monitorNode(_ node: Node, watcher: Pid) {
        if let kernel {
            kernel.monitorNode(node, watcher: watcher)
        } else {
            runtime.send(NodeDown(node: node, reason: .notConnected), to: watcher)
        }
    }

    /// Subscribes `watcher` to ``NodeUp`` and ``NodeDown`` of every node of the types
    /// `selection` covers (or unsubscribes it): `net_kernel:monitor_nodes/1,2`.
    public func monitorNodes(_ watcher: Pid, _ enabled: Bool = true, selection: NodeSelection = .visible) {
        kernel?.monitorNodes(watcher, enabled, selection: selection)
    }

    /// Calls `callback` with each visible node that comes up (it must not block).
    public func onUp(_ callback: @escaping @Sendable (Node) -> Void) { kernel?.onUp(callback) }

    /// Calls `callback` with each visible node that goes down and why (it must not block).
    public func onDown(_ callback: @escaping @Sendable (Node, NodeDownReason) -> Void) { kernel?.onDown(callback) }

    /// Stops the node: ends every session (peers see `noconnection` for links and monitors to
    /// this node's processes), closes the listener, then kills the node's remaining processes.
    public func shutdown() async {
        metricsSampler?.cancel()
        broadcasts.stopAll()
        membership?.stop()
        await kernel?.shutdown()
        for pid in runtime.processes { runtime.exit(pid, .kill) }
    }
}
