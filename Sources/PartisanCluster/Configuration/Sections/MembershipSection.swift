import Partisan

/// `membership.*`: gossip and heartbeats, failure detection, reconnection, join timeout.
enum MembershipSection: ConfigurationSection {
    private static let defaults = MembershipConfiguration()

    static let gossipInterval = ConfigurationKey(
        "membership.gossipInterval", .duration, defaultValue: DurationText.format(defaults.gossipInterval),
        summary: "How often gossip rounds and heartbeats run (Erlang's net_ticktime / 4).",
        flag: "--gossip-interval")
    static let suspectAfter = ConfigurationKey(
        "membership.suspectAfter", .duration, defaultValue: DurationText.format(defaults.suspectAfter),
        summary: "How long a member may stay silent before it is declared down.", flag: "--suspect-after")
    static let reconnectInitialBackoff = ConfigurationKey(
        "membership.reconnectInitialBackoff", .duration,
        defaultValue: DurationText.format(defaults.reconnectInitialBackoff),
        summary: "The wait before the second attempt to reach a member; each failure doubles it.")
    static let reconnectMaxBackoff = ConfigurationKey(
        "membership.reconnectMaxBackoff", .duration, defaultValue: DurationText.format(defaults.reconnectMaxBackoff),
        summary: "The longest wait between attempts to reach a member.")
    static let joinTimeout = ConfigurationKey(
        "membership.joinTimeout", .duration, defaultValue: DurationText.format(defaults.joinTimeout),
        summary: "How long a join waits for the contact to list this node.")

    static let keys = [gossipInterval, suspectAfter, reconnectInitialBackoff, reconnectMaxBackoff, joinTimeout]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        let fields: [(ConfigurationKey, WritableKeyPath<MembershipConfiguration, Duration>)] = [
            (gossipInterval, \.gossipInterval), (suspectAfter, \.suspectAfter),
            (reconnectInitialBackoff, \.reconnectInitialBackoff), (reconnectMaxBackoff, \.reconnectMaxBackoff),
            (joinTimeout, \.joinTimeout),
        ]
        for (key, path) in fields {
            if let value = try settings.parsed(key, positiveDuration)?.value {
                configuration.distribution?.membership[keyPath: path] = value
            } else {
                settings.recordDefault(key)
            }
        }
    }

    /// A duration above zero.
    static func positiveDuration(_ text: String) -> Duration? {
        DurationText.parse(text).flatMap { $0 > .zero ? $0 : nil }
    }
}
