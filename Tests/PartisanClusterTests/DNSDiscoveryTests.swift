import Partisan
import PartisanCluster
import PartisanTestSupport
import Testing

/// DNS discovery against a real DNS server (dnsmasq on 127.0.0.1) whose records the test
/// changes while the cluster runs, with real nodes over TCP.
@Suite struct DNSDiscoveryTests {
    static func resolver(_ dns: DNSMasq) -> DNSResolver {
        // Generous: the full suite loads the machine, and a late answer only delays a round.
        DNSResolver(nameserver: "127.0.0.1", port: dns.port, timeout: .seconds(2), attempts: 2)
    }

    static func members(_ nodes: [PartisanNode]) -> [Node] { nodes.map(\.name).sorted() }

    @Test func srv_records_form_the_cluster_and_only_failure_detection_removes_a_node() async throws {
        guard try DNSMasq.available() else { return }
        let domain = "\(DiscoveryNodes.prefix("srv")).cluster.test"
        let service = "_partisan._tcp.\(domain)"
        var nodes: [PartisanNode] = []
        for index in 0..<3 { nodes.append(try await DiscoveryNodes.start("app@n\(index).\(domain)")) }
        func record(_ index: Int) -> String { "\(service),n\(index).\(domain),\(nodes[index].listenAddress!.port)" }
        let dns = try await DNSMasq(
            hosts: ["127.0.0.1 n0.\(domain) n1.\(domain) n2.\(domain)"], services: [record(0), record(1)])
        // n0 and n1 run discovery, as every pod would; n2 does not, so only a record brings it in.
        let recorder = LogRecorder()
        let strategies = try (0..<2).map { _ in
            CountedStrategy(try DNSSRVDiscovery(service: service, basename: "app", resolver: Self.resolver(dns)))
        }
        let discoveries = try (0..<2).map { index in
            try ClusterDiscovery.start(
                on: nodes[index], strategies: [strategies[index]],
                configuration: DiscoveryNodes.discovery(index == 0 ? recorder : nil))
        }
        for discovery in discoveries { try await discovery.awaitJoined(minimum: 2, timeout: .seconds(60)) }
        try await strategies[0].waitForSuccesses(3)
        #expect(nodes[0].members() == Self.members(Array(nodes.prefix(2))))
        #expect(nodes[2].members() == [nodes[2].name])

        // A record added: its node is joined.
        try await dns.setServices([record(0), record(1), record(2)])
        try await eventually("n2 joined everywhere") { nodes.allSatisfy { $0.members() == Self.members(nodes) } }

        // A record removed: the live node stays.
        try await dns.setServices([record(0), record(2)])
        for strategy in strategies { try await strategy.waitForSuccesses(3) }
        #expect(nodes.allSatisfy { $0.members() == Self.members(nodes) })

        // The DNS server unreachable: nothing changes, the failure is logged once.
        dns.stop()
        for strategy in strategies { try await strategy.waitForFailures(3) }
        #expect(nodes.allSatisfy { $0.members() == Self.members(nodes) })
        #expect(recorder.lines.filter { $0.contains("discovery failed") }.count == 1)
        // n0 joined n1 (or was joined by it) and n2 (or heard of it by gossip): each at most once.
        let joins = recorder.lines.filter { $0.hasPrefix("info discovery joined") }
        for node in nodes {
            #expect(joins.filter { $0.contains("node=\(node.name) ") || $0.hasSuffix("node=\(node.name)") }.count <= 1)
        }

        // A stopped node is failure detection's business: seen down, and (full mesh) kept as a
        // member to reconnect to.
        await nodes[1].shutdown()
        let rest = [nodes[0], nodes[2]]
        try await eventually("n1 seen down") { rest.allSatisfy { !$0.isConnected(nodes[1].name) } }
        for discovery in discoveries { discovery.stop() }
        for node in rest { await node.shutdown() }
    }

    @Test func a_and_aaaa_polling_joins_every_address_on_the_configured_port() async throws {
        guard try DNSMasq.available() else { return }
        let basename = DiscoveryNodes.prefix("poll")
        let name = "app.\(basename).cluster.test"
        // Every node listens on the same port, each on its own loopback address, as pods do.
        var nodes = [try await DiscoveryNodes.start("\(basename)@127.0.0.2", host: "127.0.0.2")]
        let port = nodes[0].listenAddress!.port
        for host in ["127.0.0.3", "127.0.0.4"] {
            nodes.append(try await DiscoveryNodes.start("\(basename)@\(host)", host: host, port: port))
        }
        let dns = try await DNSMasq(hosts: ["127.0.0.2 \(name)", "127.0.0.3 \(name)"])
        let strategies = try (0..<2).map { _ in
            CountedStrategy(
                try DNSPollDiscovery(query: name, port: port, basename: basename, resolver: Self.resolver(dns)))
        }
        let discoveries = try (0..<2).map { index in
            try ClusterDiscovery.start(
                on: nodes[index], strategies: [strategies[index]], configuration: DiscoveryNodes.discovery())
        }
        for discovery in discoveries { try await discovery.awaitJoined(minimum: 2, timeout: .seconds(60)) }
        #expect(nodes[2].members() == [nodes[2].name])

        try dns.setHosts(["127.0.0.2 \(name)", "127.0.0.3 \(name)", "127.0.0.4 \(name)"])
        try await eventually("127.0.0.4 joined everywhere") { nodes.allSatisfy { $0.members() == Self.members(nodes) } }

        try dns.setHosts(["127.0.0.2 \(name)"])
        for strategy in strategies { try await strategy.waitForSuccesses(3) }
        #expect(nodes.allSatisfy { $0.members() == Self.members(nodes) })
        // What the strategy sees now: one address, named by the rule basename@address.
        let seen = try await strategies[0].discover()
        #expect(seen == [DiscoveredContact(address: ListenAddress(host: "127.0.0.2", port: port), node: nodes[0].name)])
        for discovery in discoveries { discovery.stop() }
        for node in nodes { await node.shutdown() }
    }

    @Test func a_truncated_answer_is_asked_again_over_tcp() async throws {
        guard try DNSMasq.available() else { return }
        let domain = "\(DiscoveryNodes.prefix("tcp")).cluster.test"
        let service = "_partisan._tcp.\(domain)"
        // 60 records do not fit in a 512-byte UDP answer: dnsmasq sets TC.
        let dns = try await DNSMasq(
            hosts: (0..<60).map { "127.0.1.\($0) t\($0).\(domain)" },
            services: (0..<60).map { "\(service),t\($0).\(domain),\(9000 + $0)" })
        let records = try await Self.resolver(dns).services(service)
        #expect(Set(records.map(\.port)) == Set((0..<60).map { 9000 + $0 }))
        #expect(records.first { $0.target == "t7.\(domain)" }?.port == 9007)
        let contacts = try await DNSSRVDiscovery(service: service, basename: "app", resolver: Self.resolver(dns))
            .discover()
        #expect(contacts.count == 60)
        #expect(
            contacts.contains(
                DiscoveredContact(address: ListenAddress(host: "127.0.1.7", port: 9007), node: Node("app@t7.\(domain)"))
            ))
    }

    @Test func a_missing_name_is_empty_and_a_silent_server_a_clear_timeout() async throws {
        guard try DNSMasq.available() else { return }
        let dns = try await DNSMasq(hosts: [])
        let resolver = Self.resolver(dns)
        #expect(try await resolver.addresses(of: "nothing.here.test").isEmpty)
        #expect(try await resolver.services("_none._tcp.here.test").isEmpty)
        dns.stop()
        await #expect(throws: DNSError.timedOut(server: "127.0.0.1:\(dns.port)")) {
            try await resolver.addresses(of: "nothing.here.test")
        }
    }
}
