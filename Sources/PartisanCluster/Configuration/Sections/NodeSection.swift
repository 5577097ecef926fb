import Partisan

/// `profile`, `name`, `creation`, `execution`: the node itself.
enum NodeSection: ConfigurationSection {
    static let profile = ConfigurationKey(
        "profile", .choice(ConfigurationProfile.allCases.map(\.rawValue)), defaultValue: "-",
        summary: "The profile whose values lie beneath every source's (dev, prod); none by default.",
        flag: "--profile")
    static let name = ConfigurationKey(
        "name", .text, defaultValue: "-", summary: "The node's name, NAME@HOST (Erlang's -name). Required.",
        flag: "--name")
    static let creation = ConfigurationKey(
        "creation", .integer(1...Int(UInt32.max)), defaultValue: "random",
        summary: "The incarnation number that tells a restarted node from the one before it.")
    static let execution = ConfigurationKey(
        "execution", .choice(["eventLoops", "global"]), defaultValue: "eventLoops",
        summary: "Where processes run: on the transport's event loops, or Swift's global executor.")

    static let keys = [profile, name, creation, execution]

    /// The node's name: required, `NAME@HOST`.
    static func readName(_ settings: SettingsReader) throws(ConfigurationError) -> Node {
        guard let name = try settings.parsed(Self.name, { Node($0) }) else {
            throw .missing(key: Self.name.name, reason: "every node needs a name, NAME@HOST (PARTISAN_NAME, --name)")
        }
        return name.value
    }

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        configuration.name = try readName(settings)
        if try settings.choice(profile) == nil { settings.recordDefault(profile) }
        if let creation = try settings.integer(creation) {
            configuration.creation = UInt32(creation)
        } else {
            settings.recordDefault(creation)
        }
        switch try settings.choice(execution) {
        case "global": configuration.execution = .global
        case "eventLoops": configuration.execution = .eventLoops
        default: settings.recordDefault(execution)
        }
    }
}
