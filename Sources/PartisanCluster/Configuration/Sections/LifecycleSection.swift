import Partisan

/// `lifecycle.*`: the deadlines of a graceful shutdown (see `PartisanNode.shutdown()`).
enum LifecycleSection: ConfigurationSection {
    static let defaults = PartisanNode.Configuration.LifecycleSettings()
    static let shutdownTimeout = ConfigurationKey(
        "lifecycle.shutdownTimeout", .duration, defaultValue: DurationText.format(defaults.shutdownTimeout),
        summary: "How long a graceful shutdown may take in all; what still runs then is killed.")
    static let drainTimeout = ConfigurationKey(
        "lifecycle.drainTimeout", .duration, defaultValue: DurationText.format(defaults.drainTimeout),
        summary: "How long a shutdown waits for the send queues to be written out, each time it does.")
    static let remainingProcessesTimeout = ConfigurationKey(
        "lifecycle.remainingProcessesTimeout", .duration,
        defaultValue: DurationText.format(defaults.remainingProcessesTimeout),
        summary: "How long processes outside the supervision trees get to exit shutdown before they are killed.")

    static let keys = [shutdownTimeout, drainTimeout, remainingProcessesTimeout]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        let fields: [(ConfigurationKey, WritableKeyPath<PartisanNode.Configuration.LifecycleSettings, Duration>)] = [
            (shutdownTimeout, \.shutdownTimeout), (drainTimeout, \.drainTimeout),
            (remainingProcessesTimeout, \.remainingProcessesTimeout),
        ]
        for (key, path) in fields {
            if let value = try settings.parsed(key, MembershipSection.positiveDuration)?.value {
                configuration.lifecycle[keyPath: path] = value
            } else {
                settings.recordDefault(key)
            }
        }
    }
}
