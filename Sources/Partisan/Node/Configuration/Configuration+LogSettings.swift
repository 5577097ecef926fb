import Logging

extension PartisanNode.Configuration {
    /// Where and what a node logs.
    public struct LogSettings: Sendable {
        /// Where the node and every layer under it (transport, overlay) log; `nil`, the
        /// default: a logger labelled `partisan.NAME`.
        public var logger: Logger?

        /// The defaults.
        public init() {}
    }
}
