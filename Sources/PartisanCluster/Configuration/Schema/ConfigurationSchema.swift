/// The keys a node's configuration file, its `PARTISAN_*` environment variables and the flags
/// of `partisan node` may set: one schema over ``PartisanNode/Configuration``'s tree, made of
/// sections (node, listen, cookie, tls, overlay, channels, membership, transport, rpc, log).
public enum ConfigurationSchema {
    /// Every key, section by section.
    public static let keys: [ConfigurationKey] = sections.flatMap { $0.keys } + DiscoverySection.keys

    /// The sections, in the order they are read.
    static var sections: [any ConfigurationSection.Type] {
        [
            NodeSection.self, ListenSection.self, CookieSection.self, TLSSection.self, OverlaySection.self,
            ChannelsSection.self, MembershipSection.self, TransportSection.self, RPCSection.self, LogSection.self,
            MetricsSection.self, LifecycleSection.self,
        ]
    }

    /// `PARTISAN_*` variables that are not configuration keys but are read elsewhere: the
    /// process scheduler's (``ProcessScheduler``). They are let through, not flagged unknown.
    public static let otherEnvironmentVariables: Set<String> = ["PARTISAN_SCHEDULER", "PARTISAN_SCHEDULER_WORKERS"]

    /// The key named `name`, if the schema has it.
    public static func key(named name: String) -> ConfigurationKey? {
        keysByName[name]
    }

    private static let keysByName = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })
}
