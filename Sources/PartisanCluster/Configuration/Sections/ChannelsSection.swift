import Partisan

/// `channels`: the channels of every peer connection, `NAME:PARALLELISM` or
/// `NAME:PARALLELISM:monotonic`; `default` and `membership` are added when missing.
enum ChannelsSection: ConfigurationSection {
    static let channels = ConfigurationKey(
        "channels", .list("NAME:PARALLELISM or NAME:PARALLELISM:monotonic"), defaultValue: "default:1,membership:1",
        summary: "The channels of every peer connection, each with its own TCP connections.", flag: "--channels")

    static let keys = [channels]

    /// The largest parallelism accepted for one channel.
    static let maximumParallelism = 64
    /// The most channels accepted (each costs `parallelism` connections per peer).
    static let maximumChannels = 32

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        guard var specs = try settings.list(channels, spec)?.value else {
            settings.recordDefault(channels)
            return
        }
        if specs.count > maximumChannels {
            throw .badValue(
                key: channels.name, source: settings.source(of: channels) ?? .defaultValue,
                expected: "at most \(maximumChannels) channels", got: "\(specs.count) channels")
        }
        if Set(specs.map(\.name)).count != specs.count {
            throw .badValue(
                key: channels.name, source: settings.source(of: channels) ?? .defaultValue,
                expected: "each channel named once", got: nil)
        }
        for standard in ChannelSpec.standard where !specs.contains(where: { $0.name == standard.name }) {
            specs.append(standard)
        }
        configuration.distribution?.channels = specs
    }

    /// The channel `text` writes, or `nil`.
    static func spec(_ text: String) -> ChannelSpec? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 3 && parts[2] == "monotonic"),
            !parts[0].isEmpty, parts[0].utf8.count <= 255,
            parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }),
            let parallelism = Int(parts[1]), (1...maximumParallelism).contains(parallelism)
        else { return nil }
        return ChannelSpec(name: String(parts[0]), parallelism: parallelism, monotonic: parts.count == 3)
    }
}
