import Partisan

/// What ``NodeConfigurationLoader/load()`` made: the node's configuration, the profile it used
/// and every key's effective value with its source.
public struct LoadedNodeConfiguration: Sendable {
    /// The configuration to start the node with (``PartisanNode/start(_:)``).
    public var configuration: PartisanNode.Configuration
    /// The profile beneath the sources, if one was chosen.
    public let profile: ConfigurationProfile?
    /// Every key of the schema, in its order, with its value (secrets redacted) and source.
    public let settings: [EffectiveSetting]
    /// How the node finds its peers (the `discovery` keys); `nil` for none.
    public let discovery: DiscoverySettings?

    /// The effective setting of `key`, if the schema has the key.
    public func setting(_ key: String) -> EffectiveSetting? {
        settings.first { $0.key == key }
    }
}
