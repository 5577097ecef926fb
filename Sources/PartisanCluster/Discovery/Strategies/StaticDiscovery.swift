import Partisan

/// A fixed list of seeds: libcluster's `Cluster.Strategy.Epmd` (and the `--join` flags of
/// `partisan node`).
///
/// Lists the same contacts every round; the runner joins each one that is not a member yet and
/// retries one that is down with backoff until it comes up. One live seed is enough: the
/// membership spreads by gossip.
public struct StaticDiscovery: DiscoveryStrategy {
    /// The seeds.
    public let seeds: [DiscoveredContact]

    /// Seeds at `addresses`.
    public init(seeds addresses: [ListenAddress]) {
        self.seeds = addresses.map { DiscoveredContact(address: $0) }
    }

    /// Seeds from `HOST:PORT` (or `[IPv6]:PORT`) strings, such as a configuration file holds.
    ///
    /// - Throws: ``ClusterDiscoveryError/invalidAddress(_:option:)`` naming the first bad one.
    public init(seeds texts: [String]) throws(ClusterDiscoveryError) {
        var addresses: [ListenAddress] = []
        for text in texts { addresses.append(try ContactAddress.parse(text, option: "seeds")) }
        self.init(seeds: addresses)
    }

    /// `"static"`.
    public var name: String { "static" }

    /// The seeds.
    public func discover() async throws -> [DiscoveredContact] { seeds }
}
