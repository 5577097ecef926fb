import Partisan

/// The addresses of one DNS name, each with a configured port: libcluster's
/// `Cluster.Strategy.DNSPoll` and `Kubernetes.DNS` (a headless service's name lists its ready
/// pods' IPs).
///
/// Each round asks for the name's A and AAAA records. Every address becomes a contact on
/// ``port`` named `basename@ADDRESS` (the node-name rule: start the nodes with
/// `--name app@$(POD_IP)`); IPv6 addresses are contacts without a name, since node names cannot
/// hold them yet. A name that does not exist gives no contacts, which removes nothing.
public struct DNSPollDiscovery: DiscoveryStrategy {
    /// The name asked for, such as `app-headless.default.svc.cluster.local`.
    public let query: String
    /// The port every node listens on.
    public let port: Int
    /// The part before the `@` of the nodes' names.
    public let basename: String
    /// The resolver asked.
    public let resolver: DNSResolver

    /// Polls `query`'s addresses for nodes `basename@ADDRESS` listening on `port`.
    ///
    /// - Throws: ``ClusterDiscoveryError/invalidSetting(option:reason:)`` naming the bad value.
    public init(query: String, port: Int, basename: String, resolver: DNSResolver = DNSResolver())
        throws(ClusterDiscoveryError)
    {
        guard (try? DNSQuery(id: 0, name: query, type: .a)) != nil else {
            throw .invalidSetting(option: "dns.query", reason: "not a DNS name")
        }
        guard ContactAddress.isPort(port) else {
            throw .invalidSetting(option: "dns.port", reason: "must be in 1...65535")
        }
        try DNSSRVDiscovery.check(basename: basename, option: "dns.basename")
        self.query = query
        self.port = port
        self.basename = basename
        self.resolver = resolver
    }

    /// `"dns"`.
    public var name: String { "dns" }

    /// A contact per address of ``query``.
    ///
    /// - Throws: ``DNSError`` when the nameserver cannot be asked or answers badly.
    public func discover() async throws -> [DiscoveredContact] {
        try await resolver.addresses(of: query).map { address in
            DiscoveredContact(
                address: ListenAddress(host: address, port: port),
                node: ContactAddress.nodeName(basename: basename, host: address))
        }
    }
}
