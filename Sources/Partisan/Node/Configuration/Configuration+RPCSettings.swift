extension PartisanNode.Configuration {
    /// The remote calls a node serves.
    public struct RPCSettings: Sendable {
        /// How many calls may run on the node at once; a call beyond it fails with
        /// ``RPCError/overloaded``. Default 10,000 (Partisan's `rpc_max_concurrency`).
        public var maxConcurrentCalls = 10_000

        /// The defaults.
        public init() {}
    }
}
