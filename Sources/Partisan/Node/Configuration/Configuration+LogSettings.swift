import Logging

extension PartisanNode.Configuration {
    /// Where and what a node logs.
    public struct LogSettings: Sendable {
        /// Where the node and every layer under it (transport, overlay) log; `nil`, the
        /// default: a logger labelled `partisan.NAME`.
        public var logger: Logger?
        /// Whether a process that crashes is logged at error level with its pid, reason and
        /// registered name (SASL's crash report; see ``ProcessRuntime/crashReports``).
        /// Default `true`.
        public var crashReports = true

        /// The defaults.
        public init() {}
    }
}
