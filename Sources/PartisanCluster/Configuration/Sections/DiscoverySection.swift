import Partisan

/// `discovery` and `discovery.*`: how the node finds its peers (``DiscoverySettings``). The
/// keys fill no part of ``PartisanNode/Configuration``: the loader reads them into
/// ``LoadedNodeConfiguration/discovery``.
enum DiscoverySection {
    static let method = ConfigurationKey(
        "discovery", .choice(["none"] + DiscoverySettings.Method.allCases.map(\.rawValue)), defaultValue: "none",
        summary: "How the node finds its peers: none, static (discovery.seeds), dns (A/AAAA of discovery.dns.query), "
            + "dns-srv (SRV of discovery.dns.service), hosts-file (discovery.hostsFile).")
    static let seeds = ConfigurationKey(
        "discovery.seeds", .list("HOST:PORT"), defaultValue: "—",
        summary: "The seeds of static discovery, joined and retried with backoff until they answer.")
    static let query = ConfigurationKey(
        "discovery.dns.query", .text, defaultValue: "—",
        summary: "The name whose A and AAAA records dns discovery polls (a Kubernetes headless service).")
    static let service = ConfigurationKey(
        "discovery.dns.service", .text, defaultValue: "—",
        summary: "The SRV name dns-srv discovery polls, such as _partisan._tcp.app.default.svc.cluster.local.")
    static let nameserver = ConfigurationKey(
        "discovery.dns.nameserver", .address, defaultValue: "/etc/resolv.conf",
        summary: "The DNS server to ask, HOST:PORT; by default the first nameserver of /etc/resolv.conf.")
    static let port = ConfigurationKey(
        "discovery.port", .integer(1...65_535), defaultValue: "listen.port",
        summary: "The port of the addresses dns discovery finds, and of hosts-file lines that name none.")
    static let basename = ConfigurationKey(
        "discovery.basename", .text, defaultValue: "the name's first part",
        summary: "The first part of node names derived from DNS: BASENAME@ADDRESS, BASENAME@TARGET.")
    static let hostsFile = ConfigurationKey(
        "discovery.hostsFile", .path, defaultValue: "—",
        summary: "The file of hosts hosts-file discovery reads (HOST[:PORT] per line, or Erlang's 'host'.).")
    static let pollInterval = ConfigurationKey(
        "discovery.pollInterval", .duration, defaultValue: "5s",
        summary: "Time between two rounds of asking (libcluster's polling_interval).")

    static let keys = [method, seeds, query, service, nameserver, port, basename, hostsFile, pollInterval]

    /// The discovery `settings` describe for the node `configuration` describes, `nil` for
    /// `none`; records every key.
    ///
    /// - Throws: ``ConfigurationError/missing(key:reason:)`` when the method's own key is not
    ///   set, ``ConfigurationError/badValue(key:source:expected:got:)`` for a bad value.
    static func read(
        _ settings: SettingsReader, for configuration: PartisanNode.Configuration
    ) throws(ConfigurationError) -> DiscoverySettings? {
        let chosen = try settings.choice(method)
        if chosen == nil { settings.recordDefault(method) }
        let seedList = try settings.list(seeds, { ListenSection.hostAndPort($0).map(ListenAddress.init) })?.value
        let queryText = try settings.text(query)?.value
        let serviceText = try settings.text(service)?.value
        let server = try settings.parsed(nameserver, { ListenSection.hostAndPort($0).map(ListenAddress.init) })?.value
        let portNumber = try settings.integer(port)
        let base = try settings.parsed(basename, { RegisteredName.isValid($0) && !$0.contains("@") ? $0 : nil })?.value
        let file = try settings.text(hostsFile)?.value
        let interval = try settings.parsed(pollInterval, MembershipSection.positiveDuration)?.value
        for (key, value) in [
            (seeds, seedList as Any?), (query, queryText), (service, serviceText), (nameserver, server),
            (port, portNumber), (basename, base), (hostsFile, file), (pollInterval, interval),
        ] where value == nil {
            settings.recordDefault(key)
        }
        guard let chosen, let method = DiscoverySettings.Method(rawValue: chosen) else { return nil }
        let origin = "discovery \(chosen) (\(settings.source(of: Self.method) ?? .defaultValue))"
        func required<Value>(_ value: Value?, _ key: ConfigurationKey, _ what: String) throws(ConfigurationError)
            -> Value
        {
            guard let value else { throw .missing(key: key.name, reason: "\(origin) needs \(what)") }
            return value
        }
        var discovery = DiscoverySettings(
            method: method, port: portNumber ?? configuration.distribution?.listenPort ?? 0,
            basename: base ?? String(configuration.name.shortName), nameserver: server,
            pollInterval: interval ?? .seconds(5))
        switch method {
        case .seeds: discovery.seeds = try required(seedList, seeds, "the seeds to join (HOST:PORT,...)")
        case .dns: discovery.query = try required(queryText, query, "the name to look up")
        case .dnsSRV: discovery.service = try required(serviceText, service, "the SRV name to look up")
        case .hostsFile: discovery.hostsFile = try required(file, hostsFile, "the file of hosts")
        }
        if method == .dns || method == .hostsFile, discovery.port == 0 {
            throw .missing(
                key: port.name, reason: "\(origin) needs the peers' port, and listen.port is 0 (a free port)")
        }
        return discovery
    }
}
