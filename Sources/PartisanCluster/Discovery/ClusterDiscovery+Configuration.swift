import Logging

extension ClusterDiscovery {
    /// How often the runner asks its strategies, how it retries, and how much it takes per
    /// round. Every field has a default; all are plain values, so a configuration file can
    /// fill them.
    public struct Configuration: Sendable {
        /// Time between two rounds of asking every strategy (libcluster's `polling_interval`).
        /// Default 5 s.
        public var pollInterval: Duration
        /// The wait before the first retry of a contact whose join failed; it doubles on every
        /// further failure, up to ``maxBackoff``, and each wait is drawn at random between half
        /// of it and all of it (jitter), so nodes started together do not retry in step.
        /// Default 200 ms.
        public var initialBackoff: Duration
        /// The longest wait between two attempts at one contact. Default 30 s. A contact is
        /// retried for as long as a strategy lists it: the runner never gives up on a seed.
        public var maxBackoff: Duration
        /// How long one strategy may take to answer before its round is cancelled (and counted
        /// as a failure). Default 10 s.
        public var discoveryTimeout: Duration
        /// The most contacts the runner takes from one round, all strategies together; the rest
        /// are dropped with a warning. Default 1,024.
        public var maxContactsPerRound: Int
        /// The most joins in flight at once. Default 8.
        public var maxConcurrentJoins: Int
        /// Once the node has this many members (itself included), the runner joins no more
        /// contacts until it has fewer; `nil` (the default) joins every contact that is not a
        /// member, which suits the full-mesh overlay. With HyParView, whose members are its
        /// small active view, use a small number such as 2: the node joins the first contact (by
        /// name, else by address) that is due, the same one on every node, and the overlay's
        /// random walks do the rest.
        public var enoughMembers: Int?
        /// Where the runner logs; `nil` uses the node's logger.
        public var logger: Logger?
        /// Called with the contact and the error of every failed join (on the runner's task; it
        /// must not block): for a caller that treats some errors as fatal, as `partisan node`
        /// does with a refused cookie or a duplicate name. The runner retries regardless.
        public var onJoinFailure: (@Sendable (DiscoveredContact, any Error) -> Void)?

        /// Creates a configuration; every argument has the default documented on its property.
        public init(
            pollInterval: Duration = .seconds(5), initialBackoff: Duration = .milliseconds(200),
            maxBackoff: Duration = .seconds(30), discoveryTimeout: Duration = .seconds(10),
            maxContactsPerRound: Int = 1024, maxConcurrentJoins: Int = 8, enoughMembers: Int? = nil,
            logger: Logger? = nil
        ) {
            self.pollInterval = pollInterval
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.discoveryTimeout = discoveryTimeout
            self.maxContactsPerRound = maxContactsPerRound
            self.maxConcurrentJoins = maxConcurrentJoins
            self.enoughMembers = enoughMembers
            self.logger = logger
        }

        /// Checks every field, naming the first bad one.
        ///
        /// - Throws: ``ClusterDiscoveryError/invalidSetting(option:reason:)``.
        public func validate() throws(ClusterDiscoveryError) {
            func positive(_ value: Duration, _ option: String) throws(ClusterDiscoveryError) {
                guard value > .zero else { throw .invalidSetting(option: option, reason: "must be positive") }
            }
            try positive(pollInterval, "pollInterval")
            try positive(initialBackoff, "initialBackoff")
            try positive(discoveryTimeout, "discoveryTimeout")
            guard maxBackoff >= initialBackoff else {
                throw .invalidSetting(option: "maxBackoff", reason: "must be at least initialBackoff")
            }
            guard maxContactsPerRound > 0 else {
                throw .invalidSetting(option: "maxContactsPerRound", reason: "must be positive")
            }
            guard maxConcurrentJoins > 0 else {
                throw .invalidSetting(option: "maxConcurrentJoins", reason: "must be positive")
            }
            if let enoughMembers, enoughMembers < 2 {
                throw .invalidSetting(option: "enoughMembers", reason: "must be at least 2 (the node and one peer)")
            }
        }
    }
}
