import Partisan

/// How a node finds its peers, as the configuration's `discovery` keys say: what
/// `partisan node` runs as a discovery strategy beside its `--join` seeds (see
/// Guides/Cluster.md, "Discovery").
public struct DiscoverySettings: Sendable, Hashable {
    /// Where the contacts come from.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// A fixed list of seeds, `discovery.seeds` (libcluster's `Epmd`).
        case seeds = "static"
        /// The A and AAAA records of `discovery.dns.query`, each address with `discovery.port`
        /// (libcluster's `DNSPoll`, `Kubernetes.DNS`).
        case dns
        /// The SRV records of `discovery.dns.service`: each target and port (libcluster's
        /// `Kubernetes.DNSSRV`).
        case dnsSRV = "dns-srv"
        /// A file of hosts, `discovery.hostsFile`, re-read when it changes (Erlang's
        /// `.hosts.erlang`).
        case hostsFile = "hosts-file"
    }

    /// Where the contacts come from.
    public var method: Method
    /// The seeds of ``Method/seeds``.
    public var seeds: [ListenAddress] = []
    /// The name whose A and AAAA records ``Method/dns`` polls.
    public var query: String?
    /// The SRV name ``Method/dnsSRV`` polls, such as `_partisan._tcp.app.default.svc.cluster.local`.
    public var service: String?
    /// The port of the addresses ``Method/dns`` finds, and of hosts-file entries that name none.
    public var port: Int
    /// The first part of the node names derived from DNS (`BASENAME@ADDRESS`, `BASENAME@TARGET`).
    public var basename: String
    /// The file ``Method/hostsFile`` reads.
    public var hostsFile: String?
    /// The DNS server to ask, `nil` for the first `nameserver` of `/etc/resolv.conf`.
    public var nameserver: ListenAddress?
    /// Time between two rounds of asking.
    public var pollInterval: Duration

    /// Settings for `method`; the rest as given.
    public init(
        method: Method, seeds: [ListenAddress] = [], query: String? = nil, service: String? = nil, port: Int,
        basename: String, hostsFile: String? = nil, nameserver: ListenAddress? = nil,
        pollInterval: Duration = .seconds(5)
    ) {
        self.method = method
        self.seeds = seeds
        self.query = query
        self.service = service
        self.port = port
        self.basename = basename
        self.hostsFile = hostsFile
        self.nameserver = nameserver
        self.pollInterval = pollInterval
    }
}
