import Logging

extension PartisanNode {
    /// Every setting of a node in one tree, with documented defaults: what
    /// ``PartisanNode/start(_:)`` starts.
    ///
    /// ```swift
    /// var configuration = PartisanNode.Configuration(name: "a@127.0.0.1", cookie: cookie)
    /// configuration.distribution?.listenPort = 9100
    /// configuration.distribution?.overlay = .hyParView(HyParViewConfiguration())
    /// configuration.distribution?.membership.suspectAfter = .seconds(5)
    /// let node = try await PartisanNode.start(configuration)
    /// ```
    ///
    /// The tree mirrors the layers: the node's identity and processes at the top,
    /// ``Distribution`` (listen and advertised addresses, cookie and TLS, channels, overlay,
    /// failure detection, connection limits) for a node that talks to others, then remote
    /// calls and logging. A node whose ``distribution`` is `nil` has no networking: its
    /// processes reach only each other.
    public struct Configuration: Sendable {
        /// The node's name, `name@host` (Erlang's `-name`).
        public var name: Node
        /// This incarnation's number, which tells a restarted node from the one before it;
        /// `nil`, the default, draws a random one.
        public var creation: UInt32?
        /// Networking: where the node listens, the secret its peers share, how it connects.
        /// `nil` (the default of ``init(name:)``): the node does not listen or connect.
        public var distribution: Distribution?
        /// Where the node's processes run. `nil`, the default: on the transport's event loops
        /// for a node with ``distribution`` (``ProcessExecution/eventLoops``), on Swift's
        /// global executor for a node without.
        public var execution: ProcessExecution?
        /// The remote calls this node serves (``RPC``, ``ERPC``).
        public var rpc = RPCSettings()
        /// Where and what the node logs.
        public var logging = LogSettings()
        /// The metrics the node emits (through swift-metrics).
        public var metrics = MetricsSettings()

        /// A node named `name` without networking.
        public init(name: Node) {
            self.name = name
        }

        /// A node named `name` that listens on 127.0.0.1 (a free port) and proves `cookie`
        /// to its peers; every other setting has its default.
        public init(name: Node, cookie: Cookie) {
            self.name = name
            self.distribution = Distribution(cookie: cookie)
        }
    }
}
