import Partisan

/// The targets of one DNS SRV name: libcluster's `Cluster.Strategy.Kubernetes.DNSSRV` (a
/// StatefulSet's headless service has a record per pod: `_partisan._tcp.app.ns.svc...`, target
/// `app-0.app.ns.svc...`, port 9100).
///
/// Each round asks for the name's SRV records. Every record becomes a contact on the record's
/// port named `basename@TARGET` (the node-name rule: start each pod with
/// `--name app@$(hostname -f)`). The contact's address is the target's address from the
/// answer's additional section, else the target's A/AAAA records from the same resolver, else
/// the target name itself (the dial then resolves it the system's way). Records with port 0 or
/// a target that is not a host name are skipped.
public struct DNSSRVDiscovery: DiscoveryStrategy {
    /// The most targets resolved with a query of their own in one round.
    public static let maxTargetLookups = 256

    /// The SRV name asked for.
    public let service: String
    /// The part before the `@` of the nodes' names.
    public let basename: String
    /// The resolver asked.
    public let resolver: DNSResolver

    /// Polls `service`'s SRV records for nodes `basename@TARGET`.
    ///
    /// - Throws: ``ClusterDiscoveryError/invalidSetting(option:reason:)`` naming the bad value.
    public init(service: String, basename: String, resolver: DNSResolver = DNSResolver())
        throws(ClusterDiscoveryError)
    {
        guard (try? DNSQuery(id: 0, name: service, type: .srv)) != nil else {
            throw .invalidSetting(option: "dnsSRV.service", reason: "not a DNS name")
        }
        try Self.check(basename: basename, option: "dnsSRV.basename")
        self.service = service
        self.basename = basename
        self.resolver = resolver
    }

    /// `"dns-srv"`.
    public var name: String { "dns-srv" }

    /// A contact per usable SRV record of ``service``.
    ///
    /// - Throws: ``DNSError`` when the nameserver cannot be asked or answers badly.
    public func discover() async throws -> [DiscoveredContact] {
        var contacts: [DiscoveredContact] = []
        var lookups = 0
        for record in try await resolver.services(service) {
            guard ContactAddress.isPort(record.port), ContactAddress.isHostName(record.target) else { continue }
            var host = record.addresses.first
            if host == nil, lookups < Self.maxTargetLookups {
                lookups += 1
                host = try? await resolver.addresses(of: record.target).first
            }
            contacts.append(
                DiscoveredContact(
                    address: ListenAddress(host: host ?? record.target, port: record.port),
                    node: ContactAddress.nodeName(basename: basename, host: record.target)))
        }
        return contacts
    }

    /// Checks that `basename@host` can be a node name.
    static func check(basename: String, option: String) throws(ClusterDiscoveryError) {
        guard Node("\(basename)@host") != nil else {
            throw .invalidSetting(option: option, reason: "must be non-empty, without '@', ':' or spaces")
        }
    }
}
