import Logging

extension DiscoverySettings {
    /// The strategy these settings describe: ``StaticDiscovery``, ``DNSPollDiscovery``,
    /// ``DNSSRVDiscovery`` or ``HostsFileDiscovery``, asking ``nameserver`` (or the system's
    /// resolver) for the DNS ones.
    ///
    /// - Throws: ``ClusterDiscoveryError`` for a name, port or hosts file the strategy refuses.
    public func strategy(logger: Logger? = nil) throws -> any DiscoveryStrategy {
        let resolver = DNSResolver(nameserver: nameserver?.host, port: nameserver?.port ?? 53)
        switch method {
        case .seeds: return StaticDiscovery(seeds: seeds)
        case .dns: return try DNSPollDiscovery(query: query ?? "", port: port, basename: basename, resolver: resolver)
        case .dnsSRV: return try DNSSRVDiscovery(service: service ?? "", basename: basename, resolver: resolver)
        case .hostsFile: return try HostsFileDiscovery(path: hostsFile ?? "", defaultPort: port, logger: logger)
        }
    }
}
