import Partisan

/// `rpc.maxConcurrentCalls`: the remote calls the node serves.
enum RPCSection: ConfigurationSection {
    static let maxConcurrentCalls = ConfigurationKey(
        "rpc.maxConcurrentCalls", .integer(1...1_000_000),
        defaultValue: "\(PartisanNode.Configuration.RPCSettings().maxConcurrentCalls)",
        summary: "How many remote calls may run on the node at once (Partisan's rpc_max_concurrency).")

    static let keys = [maxConcurrentCalls]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        if let value = try settings.integer(maxConcurrentCalls) {
            configuration.rpc.maxConcurrentCalls = value
        } else {
            settings.recordDefault(maxConcurrentCalls)
        }
    }
}
