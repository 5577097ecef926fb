import Partisan
import PartisanCluster
import PartisanTestSupport
import Testing

/// The runner's rules over real TCP on 127.0.0.1, with strategies of the test's own (the
/// extension point) and static seeds.
@Suite struct ClusterDiscoveryTests {
    @Test func a_seed_that_is_down_at_first_is_joined_once_it_comes_up() async throws {
        let prefix = DiscoveryNodes.prefix("seed")
        // Learn a free port for the seed, then free it: the seed is down when discovery starts.
        let probe = try await DiscoveryNodes.start("\(prefix)b@127.0.0.1")
        let seedPort = probe.listenAddress!.port
        await probe.shutdown()
        let recorder = LogRecorder()
        let node = try await DiscoveryNodes.start("\(prefix)a@127.0.0.1")
        let discovery = try ClusterDiscovery.start(
            on: node, strategies: [StaticDiscovery(seeds: ["127.0.0.1:\(seedPort)"])],
            configuration: DiscoveryNodes.discovery(recorder))
        try await eventually("three failed attempts") {
            recorder.lines.filter { $0.contains("discovery retry failed") }.count >= 2
        }
        let seed = try await DiscoveryNodes.start("\(prefix)b@127.0.0.1", port: seedPort)
        try await discovery.awaitJoined(minimum: 2, timeout: .seconds(30))
        #expect(node.members() == [node.name, seed.name].sorted())
        // The first failure is a warning, the retries debug lines, the join one info line.
        let lines = recorder.lines
        #expect(lines.filter { $0.hasPrefix("warning discovery cannot join a contact yet") }.count == 1)
        try await eventually("the join logged") { recorder.lines.contains { $0.hasPrefix("info discovery joined") } }
        try await Task.sleep(for: .milliseconds(300))  // a few more polls: nothing is logged again
        #expect(recorder.lines.filter { $0.hasPrefix("info discovery joined") }.count == 1)
        discovery.stop()
        await node.shutdown()
        await seed.shutdown()
    }

    @Test func discovery_that_fails_or_finds_nothing_never_removes_members() async throws {
        let prefix = DiscoveryNodes.prefix("keep")
        let a = try await DiscoveryNodes.start("\(prefix)a@127.0.0.1")
        let b = try await DiscoveryNodes.start("\(prefix)b@127.0.0.1")
        let recorder = LogRecorder()
        let strategy = ScriptedStrategy(.contacts([DiscoveredContact(address: b.listenAddress!, node: b.name)]))
        let discovery = try ClusterDiscovery.start(
            on: a, strategies: [strategy], configuration: DiscoveryNodes.discovery(recorder))
        try await discovery.awaitJoined(minimum: 2, timeout: .seconds(30))
        let both = [a.name, b.name].sorted()

        strategy.answer(.failure)
        try await strategy.waitForRounds(5)
        #expect(a.members() == both)
        #expect(b.members() == both)
        // Logged when it starts failing, not on every round.
        #expect(recorder.lines.filter { $0.contains("discovery failed") }.count == 1)
        #expect(!recorder.lines.contains { $0.contains("inventory service") && !$0.contains("error=") })

        strategy.answer(.contacts([]))
        try await strategy.waitForRounds(5)
        #expect(a.members() == both)
        #expect(recorder.lines.filter { $0.contains("discovery recovered") }.count == 1)

        // Failure detection, not discovery, decides about a node that dies (killed: a graceful
        // shutdown would leave the cluster): the full mesh marks it down and keeps it as a
        // member to reconnect to, as Partisan's does.
        await b.kill()
        try await eventually("b seen down") { !a.isConnected(b.name) }
        #expect(a.members() == both)
        discovery.stop()
        await a.shutdown()
    }

    @Test func the_node_itself_and_members_are_not_joined_again() async throws {
        let prefix = DiscoveryNodes.prefix("self")
        let a = try await DiscoveryNodes.start("\(prefix)a@127.0.0.1")
        let b = try await DiscoveryNodes.start("\(prefix)b@127.0.0.1")
        let recorder = LogRecorder()
        // Both addresses, b's without a name: the runner learns it from the handshake.
        let strategy = ScriptedStrategy(
            .contacts([
                DiscoveredContact(address: a.listenAddress!, node: a.name),
                DiscoveredContact(address: b.listenAddress!),
            ]))
        let discovery = try ClusterDiscovery.start(
            on: a, strategies: [strategy], configuration: DiscoveryNodes.discovery(recorder))
        try await discovery.awaitJoined(minimum: 2, timeout: .seconds(30))
        try await strategy.waitForRounds(5)
        let lines = recorder.lines
        #expect(lines.filter { $0.hasPrefix("info discovery joined") }.count == 1)
        #expect(!lines.contains { $0.contains("cannot join") })
        discovery.stop()
        await a.shutdown()
        await b.shutdown()
    }

    @Test func a_flood_of_contacts_is_capped_and_invalid_ones_dropped() async throws {
        let prefix = DiscoveryNodes.prefix("flood")
        let a = try await DiscoveryNodes.start("\(prefix)a@127.0.0.1")
        let b = try await DiscoveryNodes.start("\(prefix)b@127.0.0.1")
        let recorder = LogRecorder()
        // b first, then a million contacts on 127.0.0.1's low ports, one with a hostile host.
        var contacts = [DiscoveredContact(address: b.listenAddress!)]
        contacts.append(DiscoveredContact(address: ListenAddress(host: "evil\u{1B}[31m\nhost", port: 9100)))
        contacts += (0..<1_000_000).lazy.map {
            DiscoveredContact(address: ListenAddress(host: "127.0.0.1", port: 1 + $0 % 1000))
        }
        let strategy = ScriptedStrategy(.contacts(contacts))
        var configuration = DiscoveryNodes.discovery(recorder)
        configuration.maxContactsPerRound = 16
        let discovery = try ClusterDiscovery.start(on: a, strategies: [strategy], configuration: configuration)
        try await discovery.awaitJoined(minimum: 2, timeout: .seconds(30))
        try await strategy.waitForRounds(3)
        let lines = recorder.lines
        #expect(lines.filter { $0.contains("more contacts than one round takes") }.count == 1)
        #expect(lines.filter { $0.contains("host or port is invalid") }.count == 1)
        #expect(!lines.contains { $0.contains("evil") || $0.contains("\u{1B}") })
        // At most 16 distinct contacts were ever tried: b and 15 closed ports.
        let tried = Set(
            lines.filter { $0.contains("cannot join a contact yet") }.compactMap {
                $0.split(separator: " ").first { $0.hasPrefix("address=") }
            })
        #expect(tried.count <= 15)
        discovery.stop()
        await a.shutdown()
        await b.shutdown()
    }

    @Test func await_joined_fails_with_a_clear_error_and_stop_ends_the_rounds() async throws {
        let prefix = DiscoveryNodes.prefix("wait")
        let a = try await DiscoveryNodes.start("\(prefix)a@127.0.0.1")
        let strategy = ScriptedStrategy(.contacts([]))
        let discovery = try ClusterDiscovery.start(
            on: a, strategies: [strategy], configuration: DiscoveryNodes.discovery())
        await #expect(throws: ClusterDiscoveryError.joinTimedOut(minimum: 2, members: 1, after: .milliseconds(300))) {
            try await discovery.awaitJoined(minimum: 2, timeout: .milliseconds(300))
        }
        try await strategy.waitForRounds(1)
        discovery.stop()
        #expect(discovery.isStopped)
        let rounds = strategy.rounds
        await #expect(throws: ClusterDiscoveryError.stopped) {
            try await discovery.awaitJoined(minimum: 2, timeout: .seconds(5))
        }
        try await Task.sleep(for: .milliseconds(400))  // four poll intervals: no round runs
        #expect(strategy.rounds <= rounds + 1)
        await a.shutdown()
    }

    @Test func settings_and_seeds_are_checked_with_the_key_named() async throws {
        #expect(throws: ClusterDiscoveryError.invalidAddress("10.0.0.1", option: "seeds")) {
            try StaticDiscovery(seeds: ["10.0.0.1"])
        }
        #expect(throws: ClusterDiscoveryError.invalidAddress("host:99999", option: "seeds")) {
            try StaticDiscovery(seeds: ["host:99999"])
        }
        #expect(
            try StaticDiscovery(seeds: ["[::1]:9100", "app-0.app:9100"]).seeds.map(\.address) == [
                ListenAddress(host: "::1", port: 9100), ListenAddress(host: "app-0.app", port: 9100),
            ])
        #expect(throws: ClusterDiscoveryError.invalidSetting(option: "dns.port", reason: "must be in 1...65535")) {
            try DNSPollDiscovery(query: "app.test", port: 0, basename: "app")
        }
        #expect(throws: ClusterDiscoveryError.invalidSetting(option: "dnsSRV.service", reason: "not a DNS name")) {
            try DNSSRVDiscovery(service: "bad name", basename: "app")
        }
        #expect(throws: ClusterDiscoveryError.self) { try DNSSRVDiscovery(service: "_p._tcp.app", basename: "a@b") }
        var configuration = ClusterDiscovery.Configuration()
        configuration.maxBackoff = .milliseconds(1)
        #expect(
            throws: ClusterDiscoveryError.invalidSetting(
                option: "maxBackoff", reason: "must be at least initialBackoff")
        ) {
            try configuration.validate()
        }
        let local = try await PartisanNode.start(name: Node(validating: "\(DiscoveryNodes.prefix("local"))@127.0.0.1"))
        #expect(throws: ClusterDiscoveryError.notDistributed) {
            try ClusterDiscovery.start(on: local, strategies: [])
        }
    }
}
