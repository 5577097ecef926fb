import Partisan

/// `listen.host`, `listen.port`, `advertise.host`: where the node listens and the address
/// peers dial.
enum ListenSection: ConfigurationSection {
    static let host = ConfigurationKey(
        "listen.host", .text, defaultValue: "127.0.0.1",
        summary: "The address the node listens on; 0.0.0.0 or :: listen on every interface (set advertise.host).",
        flag: "--listen")
    static let port = ConfigurationKey(
        "listen.port", .integer(0...65_535), defaultValue: "0",
        summary: "The TCP port the node listens on; 0 picks a free one.", flag: "--listen")
    static let advertisedHost = ConfigurationKey(
        "advertise.host", .text, defaultValue: "listen.host",
        summary: "The host or address peers dial to reach this node, announced in handshakes and gossip.")

    static let keys = [host, port, advertisedHost]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        let listenHost = try settings.parsed(host) { $0.hasPrefix("[") ? nil : $0 }
        if let listenHost {
            configuration.distribution?.listenHost = listenHost.value
        } else {
            settings.recordDefault(host)
        }
        if let port = try settings.integer(port) {
            configuration.distribution?.listenPort = port
        } else {
            settings.recordDefault(port)
        }
        if let advertised = try settings.text(advertisedHost) {
            configuration.distribution?.advertisedHost = advertised.value
        } else {
            settings.recordDefault(advertisedHost)
        }
    }

    /// A node that listens on every interface must say which address peers dial.
    static func validate(
        _ configuration: PartisanNode.Configuration, settings: SettingsReader
    ) throws(ConfigurationError) {
        guard let distribution = configuration.distribution, distribution.advertisedHost == nil,
            ["0.0.0.0", "::"].contains(distribution.listenHost)
        else { return }
        throw .missing(
            key: advertisedHost.name,
            reason: "listen.host \(distribution.listenHost) (\(settings.source(of: host) ?? .defaultValue)) listens on "
                + "every interface, so peers need the address that reaches this node (\(advertisedHost.environmentVariable))"
        )
    }
}
