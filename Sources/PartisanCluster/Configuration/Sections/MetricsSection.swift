import Partisan

/// `metrics.sampleInterval`: how often the node samples its gauges (Guides/Cluster.md's
/// metrics). Where they go is the application's choice (`MetricsSystem.bootstrap`); the CLI
/// serves them with `--metrics HOST:PORT`.
enum MetricsSection: ConfigurationSection {
    static let sampleInterval = ConfigurationKey(
        "metrics.sampleInterval", .duration, defaultValue: "5s",
        summary: "How often the node samples its gauges (members, connections, queues, processes).")

    static let keys = [sampleInterval]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        if let value = try settings.parsed(sampleInterval, MembershipSection.positiveDuration)?.value {
            configuration.metrics.sampleInterval = value
        } else {
            settings.recordDefault(sampleInterval)
        }
    }
}
