import Foundation
import Partisan
import PartisanCluster
import PartisanTestSupport
import Testing

/// The figure of `Guides/Cluster.md`: N nodes in one process (HyParView), each running
/// discovery through one DNS SRV name on dnsmasq, until the overlay connects them all. Runs only
/// with `PARTISAN_DISCOVERY_SCALE=N` (100 in the guide): it loads the machine for a while.
@Suite struct DNSScaleTests {
    @Test func many_nodes_converge_through_one_srv_name() async throws {
        guard let count = ProcessInfo.processInfo.environment["PARTISAN_DISCOVERY_SCALE"].flatMap({ Int($0) }) else {
            print("skipped: set PARTISAN_DISCOVERY_SCALE=100 to measure discovery of 100 nodes through DNS SRV")
            return
        }
        guard try DNSMasq.available() else { return }
        let domain = "\(DiscoveryNodes.prefix("scale")).cluster.test"
        let service = "_partisan._tcp.\(domain)"
        let patient = MembershipConfiguration(
            gossipInterval: .milliseconds(500), suspectAfter: .seconds(10), reconnectInitialBackoff: .milliseconds(100),
            reconnectMaxBackoff: .seconds(2))
        var nodes: [PartisanNode] = []
        for index in 0..<count {
            nodes.append(
                try await startNode(Node(validating: "app@n\(index).\(domain)"), cookie: "scale") {
                    $0.overlay = .hyParView(seed: UInt64(index + 1))
                    $0.membership = patient
                })
        }
        let dns = try await DNSMasq(
            hosts: (0..<count).map { "127.0.0.1 n\($0).\(domain)" },
            services: nodes.indices.map { "\(service),n\($0).\(domain),\(nodes[$0].listenAddress!.port)" })
        let resolver = DNSResolver(
            nameserver: "127.0.0.1", port: dns.port, timeout: .seconds(2), attempts: 2, udpPayloadSize: 8192)
        let clock = ContinuousClock()
        let start = clock.now
        let discoveries = try nodes.map { node in
            try ClusterDiscovery.start(
                on: node, strategies: [try DNSSRVDiscovery(service: service, basename: "app", resolver: resolver)],
                configuration: .init(
                    pollInterval: .seconds(1), initialBackoff: .milliseconds(200), maxBackoff: .seconds(5),
                    enoughMembers: 2))
        }
        try await eventually(timeout: .seconds(180), "\(count) nodes joined and connected") {
            nodes.allSatisfy { $0.members().count >= 2 } && membersReachEveryNode(nodes)
        }
        let elapsed = clock.now - start
        let views = nodes.map { $0.members().count - 1 }
        print(
            "discovery-scale: \(count) nodes converged through one DNS SRV name in \(elapsed) "
                + "(active views \(views.min()!)...\(views.max()!))")
        for discovery in discoveries { discovery.stop() }
        for node in nodes { await node.shutdown() }
    }
}
