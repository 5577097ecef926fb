import Partisan

/// `transport.*`: frame and queue limits, timeouts, handshake caps, connection sharing.
enum TransportSection: ConfigurationSection {
    private static let defaults = TransportConfiguration(cookie: Cookie(bytes: [0]))

    /// The integer settings: key and field.
    static var counts: [(ConfigurationKey, WritableKeyPath<TransportConfiguration, Int>)] {
        [
            integer(
                "maxFrameSize", defaults.maxFrameSize, 1_024...(1 << 30),
                "The largest frame payload sent or accepted, in bytes (Partisan's max_message_size).", \.maxFrameSize),
            integer(
                "handshakeFrameSize", defaults.handshakeFrameSize, 512...(64 << 10),
                "The largest frame accepted before the peer has proved the cookie, in bytes.", \.handshakeFrameSize),
            integer(
                "maxHandshakes", defaults.maxHandshakes, 1...1_000_000,
                "The most inbound connections in their handshake.",
                \.maxHandshakes),
            integer(
                "maxHandshakesPerAddress", defaults.maxHandshakesPerAddress, 1...1_000_000,
                "The most inbound connections in their handshake from one IP address.", \.maxHandshakesPerAddress),
            integer(
                "sendQueue.maxMessages", defaults.sendQueue.maxMessages, 1...100_000_000,
                "The most messages queued on one connection.", \.sendQueue.maxMessages),
            integer(
                "sendQueue.maxBytes", defaults.sendQueue.maxBytes, 1_024...(1 << 40),
                "The most frame bytes queued on one connection.", \.sendQueue.maxBytes),
            integer(
                "sendQueue.writeBufferHighWaterMark", defaults.sendQueue.writeBufferHighWaterMark, 1_024...(1 << 30),
                "SwiftNIO's write buffer size above which a connection stops taking frames.",
                \.sendQueue.writeBufferHighWaterMark),
        ]
    }
    /// The duration settings: key and field.
    static var durations: [(ConfigurationKey, WritableKeyPath<TransportConfiguration, Duration>)] {
        [
            duration(
                "handshakeTimeout", defaults.handshakeTimeout, "How long a handshake may take.", \.handshakeTimeout),
            duration(
                "connectTimeout", defaults.connectTimeout, "How long an outbound TCP connect may take.",
                \.connectTimeout),
            duration(
                "busyWait", defaults.busyWait,
                "How long an event loop polls after a read before it sleeps (Erlang's +sbwt).",
                \.busyWait),
        ]
    }
    /// The Boolean settings: key and field.
    static var flags: [(ConfigurationKey, WritableKeyPath<TransportConfiguration, Bool>)] {
        [
            (
                ConfigurationKey(
                    "transport.hidden", .boolean, defaultValue: "\(defaults.hidden)",
                    summary: "Whether the node is hidden (Erlang's -hidden)."), \.hidden
            ),
            (
                ConfigurationKey(
                    "transport.listenerPerLoop", .boolean, defaultValue: "\(defaults.listenerPerLoop)",
                    summary: "Whether the node also listens on one ephemeral port per event loop."), \.listenerPerLoop
            ),
        ]
    }
    static let connectionSharing = ConfigurationKey(
        "transport.connectionSharing", .choice(["separate", "shared"]), defaultValue: "separate",
        summary: "Whether a peer that dials this node is dialled back (separate, as Partisan) or answered on its own "
            + "connections (shared, as Erlang).")

    static let keys = counts.map(\.0) + durations.map(\.0) + flags.map(\.0) + [connectionSharing]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        guard var transport = configuration.distribution?.transport else { return }
        for (key, path) in counts {
            if let value = try settings.integer(key) {
                transport[keyPath: path] = value
            } else {
                settings.recordDefault(key)
            }
        }
        for (key, path) in durations {
            // A zero busy wait turns it off; a zero timeout would fail every connection.
            let value =
                key.name.hasSuffix("busyWait")
                ? try settings.duration(key) : try settings.parsed(key, MembershipSection.positiveDuration)?.value
            if let value { transport[keyPath: path] = value } else { settings.recordDefault(key) }
        }
        for (key, path) in flags {
            if let value = try settings.boolean(key) {
                transport[keyPath: path] = value
            } else {
                settings.recordDefault(key)
            }
        }
        switch try settings.choice(connectionSharing) {
        case "shared": transport.connectionSharing = .shared
        case "separate": transport.connectionSharing = .separate
        default: settings.recordDefault(connectionSharing)
        }
        configuration.distribution?.transport = transport
    }

    private static func integer(
        _ name: String, _ defaultValue: Int, _ range: ClosedRange<Int>, _ summary: String,
        _ path: WritableKeyPath<TransportConfiguration, Int>
    ) -> (ConfigurationKey, WritableKeyPath<TransportConfiguration, Int>) {
        (
            ConfigurationKey("transport.\(name)", .integer(range), defaultValue: "\(defaultValue)", summary: summary),
            path
        )
    }

    private static func duration(
        _ name: String, _ defaultValue: Duration, _ summary: String,
        _ path: WritableKeyPath<TransportConfiguration, Duration>
    ) -> (ConfigurationKey, WritableKeyPath<TransportConfiguration, Duration>) {
        (
            ConfigurationKey(
                "transport.\(name)", .duration, defaultValue: DurationText.format(defaultValue), summary: summary), path
        )
    }
}
