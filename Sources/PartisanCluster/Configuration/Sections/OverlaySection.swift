import Partisan

/// `overlay.kind` and each overlay's parameters: who connects to whom.
///
/// `overlay.hyparview.*` are HyParView's parameters (Partisan's defaults);
/// `overlay.clientServer.role` is this node's role in a client-server overlay;
/// `overlay.static.peers` lists the peers of a static overlay, `NAME@HOST:PORT` each (the node
/// `NAME@HOST` listening on `HOST:PORT`).
enum OverlaySection: ConfigurationSection {
    private static let hyParView = HyParViewConfiguration()
    /// The most peers a static overlay lists.
    static let maximumStaticPeers = 10_000

    static let kind = ConfigurationKey(
        "overlay.kind", .choice(["fullmesh", "hyparview", "client-server", "static"]), defaultValue: "fullmesh",
        summary: "Which overlay decides who connects to whom.")
    static let role = ConfigurationKey(
        "overlay.clientServer.role", .choice(["server", "client"]), defaultValue: "server",
        summary: "This node's role in the client-server overlay.")
    static let peers = ConfigurationKey(
        "overlay.static.peers", .list("NAME@HOST:PORT"), defaultValue: "-",
        summary: "The peers of the static overlay, each NAME@HOST:PORT.")

    /// HyParView's integer parameters: key, default, range and field.
    static var hyParViewCounts: [(ConfigurationKey, WritableKeyPath<HyParViewConfiguration, Int>)] {
        [
            count("activeMaxSize", hyParView.activeMaxSize, 1...1_000, "Capacity of the active view.", \.activeMaxSize),
            count(
                "activeMinSize", hyParView.activeMinSize, 1...1_000,
                "Below this size a node asks passive peers with high priority.", \.activeMinSize),
            count(
                "passiveMaxSize", hyParView.passiveMaxSize, 0...10_000, "Capacity of the passive view.",
                \.passiveMaxSize),
            count(
                "activeRandomWalkLength", hyParView.activeRandomWalkLength, 0...100,
                "Time to live of a FORWARD_JOIN and of a SHUFFLE.", \.activeRandomWalkLength),
            count(
                "passiveRandomWalkLength", hyParView.passiveRandomWalkLength, 0...100,
                "A FORWARD_JOIN with this time to live adds the new node to the passive view.",
                \.passiveRandomWalkLength),
            count(
                "shuffleActiveCount", hyParView.shuffleActiveCount, 0...1_000, "Active peers a shuffle carries.",
                \.shuffleActiveCount),
            count(
                "shufflePassiveCount", hyParView.shufflePassiveCount, 0...1_000, "Passive peers a shuffle carries.",
                \.shufflePassiveCount),
            count(
                "neighborRequestTimeout", hyParView.neighborRequestTimeout, 1...1_000,
                "Periods a NEIGHBOR request waits for its answer.", \.neighborRequestTimeout),
            count(
                "forwardHopLimit", hyParView.forwardHopLimit, 1...100,
                "Hops a message forwarded through the overlay may take.",
                \.forwardHopLimit),
        ]
    }
    /// HyParView's periods.
    static var hyParViewPeriods: [(ConfigurationKey, WritableKeyPath<HyParViewConfiguration, Duration>)] {
        [
            (
                ConfigurationKey(
                    "overlay.hyparview.shuffleInterval", .duration,
                    defaultValue: DurationText.format(hyParView.shuffleInterval),
                    summary: "Period of the passive-view shuffle."), \.shuffleInterval
            ),
            (
                ConfigurationKey(
                    "overlay.hyparview.randomPromotionInterval", .duration,
                    defaultValue: DurationText.format(hyParView.randomPromotionInterval),
                    summary: "Period of random promotion and of the active-view symmetry check."),
                \.randomPromotionInterval
            ),
        ]
    }
    static let randomPromotion = ConfigurationKey(
        "overlay.hyparview.randomPromotion", .boolean, defaultValue: "\(hyParView.randomPromotion)",
        summary: "Whether a node whose active view is not full promotes passive peers.")

    static let keys =
        [kind] + hyParViewCounts.map(\.0) + hyParViewPeriods.map(\.0) + [randomPromotion, role, peers]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        let chosen = try settings.choice(kind)
        if chosen == nil { settings.recordDefault(kind) }
        var parameters = HyParViewConfiguration()
        for (key, path) in hyParViewCounts {
            if let value = try settings.integer(key) {
                parameters[keyPath: path] = value
            } else {
                settings.recordDefault(key)
            }
        }
        for (key, path) in hyParViewPeriods {
            if let value = try settings.parsed(key, MembershipSection.positiveDuration)?.value {
                parameters[keyPath: path] = value
            } else {
                settings.recordDefault(key)
            }
        }
        if let value = try settings.boolean(randomPromotion) {
            parameters.randomPromotion = value
        } else {
            settings.recordDefault(randomPromotion)
        }
        let chosenRole = try settings.choice(role).flatMap(ClientServerRole.init(rawValue:))
        if chosenRole == nil { settings.recordDefault(role) }
        let channels = configuration.distribution?.channels ?? ChannelSpec.standard
        let staticPeers = try settings.list(peers) { peer(from: $0, channels: channels) }
        if staticPeers == nil { settings.recordDefault(peers) }
        if let staticPeers, staticPeers.value.count > maximumStaticPeers {
            throw .badValue(
                key: peers.name, source: staticPeers.source, expected: "at most \(maximumStaticPeers) peers",
                got: "\(staticPeers.value.count) peers")
        }
        switch chosen {
        case "hyparview":
            configuration.distribution?.overlay = .hyParView(
                HyParViewConfiguration(
                    activeMaxSize: parameters.activeMaxSize, activeMinSize: parameters.activeMinSize,
                    passiveMaxSize: parameters.passiveMaxSize,
                    activeRandomWalkLength: parameters.activeRandomWalkLength,
                    passiveRandomWalkLength: parameters.passiveRandomWalkLength,
                    shuffleInterval: parameters.shuffleInterval, shuffleActiveCount: parameters.shuffleActiveCount,
                    shufflePassiveCount: parameters.shufflePassiveCount, randomPromotion: parameters.randomPromotion,
                    randomPromotionInterval: parameters.randomPromotionInterval,
                    neighborRequestTimeout: parameters.neighborRequestTimeout,
                    forwardHopLimit: parameters.forwardHopLimit))
        case "client-server":
            configuration.distribution?.overlay = .clientServer(chosenRole ?? .server)
        case "static":
            guard let staticPeers else {
                throw .missing(key: peers.name, reason: "overlay.kind static connects only to the listed peers")
            }
            configuration.distribution?.overlay = .static(staticPeers.value)
        default:
            configuration.distribution?.overlay = .fullMesh
        }
    }

    /// The peer `NAME@HOST:PORT` writes, with `channels`.
    static func peer(from text: String, channels: [ChannelSpec]) -> NodeSpec? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65_535).contains(port), let node = Node(String(text[..<colon]))
        else { return nil }
        return NodeSpec(
            node: node, listenAddresses: [ListenAddress(host: String(node.host), port: port)], channels: channels)
    }

    private static func count(
        _ name: String, _ defaultValue: Int, _ range: ClosedRange<Int>, _ summary: String,
        _ path: WritableKeyPath<HyParViewConfiguration, Int>
    ) -> (ConfigurationKey, WritableKeyPath<HyParViewConfiguration, Int>) {
        (
            ConfigurationKey(
                "overlay.hyparview.\(name)", .integer(range), defaultValue: "\(defaultValue)", summary: summary), path
        )
    }
}
