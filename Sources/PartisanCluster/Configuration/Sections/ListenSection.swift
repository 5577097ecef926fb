import Partisan

/// `listen`, `listen.host`, `listen.port`, `advertise.host`: where the node listens and the
/// address peers dial.
///
/// `listen` (`HOST:PORT`, what `--listen` and `PARTISAN_LISTEN` set) is the short form of
/// `listen.host` and `listen.port`: each part is taken from whichever is set by the higher
/// source, the long form winning within one source; the listing shows the result.
enum ListenSection: ConfigurationSection {
    static let address = ConfigurationKey(
        "listen", .address, defaultValue: "127.0.0.1:0",
        summary: "Where the node listens, HOST:PORT ([IPv6]:PORT): short for listen.host and listen.port.",
        flag: "--listen")
    static let host = ConfigurationKey(
        "listen.host", .text, defaultValue: "127.0.0.1",
        summary: "The address the node listens on; 0.0.0.0 or :: listen on every interface.")
    static let port = ConfigurationKey(
        "listen.port", .integer(0...65_535), defaultValue: "0",
        summary: "The TCP port the node listens on; 0 picks a free one.")
    static let advertisedHost = ConfigurationKey(
        "advertise.host", .text, defaultValue: "listen.host, or the name's host on 0.0.0.0 or ::",
        summary:
            "The host or address peers dial to reach this node, announced in handshakes and gossip; "
            + "on 0.0.0.0 or :: the host of the node's name by default.")

    static let keys = [address, host, port, advertisedHost]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        let combined = try settings.parsed(address, hostAndPort)
        if combined == nil { settings.recordDefault(address) }
        let longHost = try settings.parsed(host) { $0.hasPrefix("[") ? nil : $0 }
        let longPort = try settings.integer(port).map { ($0, settings.source(of: port) ?? .defaultValue) }
        if let (value, source) = pick(
            longHost.map { ($0.value, $0.source) }, combined.map { ($0.value.host, $0.source) })
        {
            configuration.distribution?.listenHost = value
            settings.record(host, value, source)
        } else {
            settings.recordDefault(host)
        }
        if let (value, source) = pick(longPort, combined.map { ($0.value.port, $0.source) }) {
            configuration.distribution?.listenPort = value
            settings.record(port, "\(value)", source)
        } else {
            settings.recordDefault(port)
        }
        if let advertised = try settings.text(advertisedHost) {
            configuration.distribution?.advertisedHost = advertised.value
        } else {
            settings.recordDefault(advertisedHost)
        }
    }

    /// The value from the higher source; `long` within one source.
    private static func pick<Value>(
        _ long: (Value, ConfigurationSource)?, _ short: (Value, ConfigurationSource)?
    ) -> (Value, ConfigurationSource)? {
        guard let short else { return long }
        guard let long else { return short }
        return short.1.precedence < long.1.precedence ? short : long
    }

    /// `HOST:PORT`, `[IPv6]:PORT`.
    static func hostAndPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("["), !host.contains("]") else { return nil }
        guard !host.contains(":") || text.hasPrefix("[") else { return nil }
        return (host, port)
    }
}
