import Foundation
import Partisan
import PartisanCluster
import Testing

/// Precedence of the sources, the file formats, the environment's names and the listing.
@Suite struct NodeConfigurationLoaderTests {
    @Test func test_flags_beat_the_environment_which_beats_the_file_which_beats_the_profile() async throws {
        let fixture = try ConfigurationFixture()
        try fixture.write(
            "cluster.yaml",
            """
            name: file@127.0.0.1
            profile: dev
            cookie: from-the-file
            listen:
              port: 1111
            membership:
              gossipInterval: 2s
              suspectAfter: 7s
            log:
              level: error
            """)
        let loaded = try await fixture.load(
            file: "cluster.yaml",
            environment: [
                "PARTISAN_LISTEN_PORT": "2222", "PARTISAN_MEMBERSHIP_GOSSIP_INTERVAL": "3s",
                "PARTISAN_NAME": "env@127.0.0.1",
            ],
            flags: [("--listen", "listen.port", "3333")])
        let distribution = try #require(loaded.configuration.distribution)
        #expect(distribution.listenPort == 3333)
        #expect(loaded.setting("listen.port")?.source == .flag("--listen"))
        #expect(distribution.membership.gossipInterval == .seconds(3))
        #expect(
            loaded.setting("membership.gossipInterval")?.source == .environment("PARTISAN_MEMBERSHIP_GOSSIP_INTERVAL"))
        #expect(distribution.membership.suspectAfter == .seconds(7))
        #expect(loaded.setting("membership.suspectAfter")?.source == .file(fixture.path("cluster.yaml")))
        #expect(loaded.configuration.name == Node("env@127.0.0.1"))
        // The file's log.level beats the dev profile's `info`; the profile's listen.host beats the default.
        #expect(loaded.configuration.logging.logger?.logLevel == .error)
        #expect(loaded.setting("listen.host")?.source == .profile("dev"))
        #expect(
            loaded.setting("membership.joinTimeout")
                == EffectiveSetting(key: "membership.joinTimeout", value: "10s", source: .defaultValue))
        #expect(distribution.cookie == Cookie("from-the-file"))
    }

    @Test func test_json_and_yaml_files_make_the_same_configuration() async throws {
        let fixture = try ConfigurationFixture()
        try fixture.write(
            "a.json",
            """
            {"name": "n@127.0.0.1", "cookie": "c", "listen": {"host": "127.0.0.1", "port": 4000},
             "overlay": {"kind": "hyparview", "hyparview": {"activeMaxSize": 5, "shuffleInterval": "20s"}},
             "channels": ["bulk:4", "state:1:monotonic"], "rpc": {"maxConcurrentCalls": 7},
             "transport": {"sendQueue": {"maxBytes": 2048}, "connectionSharing": "shared"}}
            """)
        try fixture.write(
            "a.yml",
            """
            name: n@127.0.0.1
            cookie: c
            listen: {host: 127.0.0.1, port: 4000}
            overlay:
              kind: hyparview
              hyparview: {activeMaxSize: 5, shuffleInterval: 20s}
            channels: [bulk:4, state:1:monotonic]
            rpc.maxConcurrentCalls: 7
            transport:
              sendQueue.maxBytes: 2048
              connectionSharing: shared
            """)
        for file in ["a.json", "a.yml"] {
            let loaded = try await fixture.load(file: file)
            let distribution = try #require(loaded.configuration.distribution)
            #expect(distribution.listenPort == 4000, "\(file)")
            #expect(distribution.overlay.name == "hyparview", "\(file)")
            #expect(loaded.setting("overlay.hyparview.activeMaxSize")?.value == "5", "\(file)")
            #expect(loaded.setting("overlay.hyparview.shuffleInterval")?.value == "20s", "\(file)")
            #expect(
                distribution.channels
                    == [
                        ChannelSpec(name: "bulk", parallelism: 4), ChannelSpec(name: "state", monotonic: true),
                        .default, .membership,
                    ], "\(file)")
            #expect(loaded.configuration.rpc.maxConcurrentCalls == 7, "\(file)")
            #expect(distribution.transport.sendQueue.maxBytes == 2048, "\(file)")
            #expect(distribution.transport.connectionSharing == .shared, "\(file)")
        }
    }

    @Test func test_each_key_is_read_from_its_documented_environment_variable() async throws {
        let fixture = try ConfigurationFixture()
        let loaded = try await fixture.load(environment: [
            "PARTISAN_NAME": "e@127.0.0.1", "PARTISAN_COOKIE": "c",
            "PARTISAN_TRANSPORT_SEND_QUEUE_MAX_MESSAGES": "12", "PARTISAN_OVERLAY_KIND": "client-server",
            "PARTISAN_OVERLAY_CLIENT_SERVER_ROLE": "client", "PARTISAN_OVERLAY_HYPARVIEW_ACTIVE_MAX_SIZE": "4",
            "PARTISAN_CHANNELS": "bulk:2, big:3", "PARTISAN_TRANSPORT_HIDDEN": "true",
            "PARTISAN_MEMBERSHIP_RECONNECT_MAX_BACKOFF": "1.5s", "PARTISAN_LOG_CRASH_REPORTS": "false",
            "PARTISAN_SCHEDULER_WORKERS": "2", "PARTISAN_METRICS_SAMPLE_INTERVAL": "250ms",
            "PARTISAN_LIFECYCLE_SHUTDOWN_TIMEOUT": "3s", "PARTISAN_LIFECYCLE_DRAIN_TIMEOUT": "500ms",
        ])
        #expect(loaded.configuration.metrics.sampleInterval == .milliseconds(250))
        #expect(loaded.configuration.lifecycle.shutdownTimeout == .seconds(3))
        #expect(loaded.configuration.lifecycle.drainTimeout == .milliseconds(500))
        let distribution = try #require(loaded.configuration.distribution)
        #expect(distribution.transport.sendQueue.maxMessages == 12)
        #expect(distribution.overlay.name == "client-server")
        #expect(loaded.setting("overlay.clientServer.role")?.value == "client")
        #expect(
            loaded.setting("overlay.hyparview.activeMaxSize")?.source
                == .environment("PARTISAN_OVERLAY_HYPARVIEW_ACTIVE_MAX_SIZE"))
        #expect(distribution.channels.map(\.name) == ["bulk", "big", "default", "membership"])
        #expect(distribution.transport.hidden)
        #expect(distribution.membership.reconnectMaxBackoff == .milliseconds(1500))
        #expect(!loaded.configuration.logging.crashReports)
        for key in ConfigurationSchema.keys {
            #expect(key.environmentVariable.hasPrefix("PARTISAN_"))
            #expect(key.environmentVariable.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" }, "\(key.name)")
        }
        #expect(Set(ConfigurationSchema.keys.map(\.environmentVariable)).count == ConfigurationSchema.keys.count)
    }

    @Test func test_discovery_settings_come_with_what_their_method_needs() async throws {
        let fixture = try ConfigurationFixture()
        let base = ["PARTISAN_NAME": "app@127.0.0.1", "PARTISAN_COOKIE": "c", "PARTISAN_LISTEN_PORT": "9300"]
        #expect(try await fixture.load(environment: base).discovery == nil)
        let seeds = try await fixture.load(
            environment: base.merging([
                "PARTISAN_DISCOVERY": "static", "PARTISAN_DISCOVERY_SEEDS": "10.0.0.1:9300,[fd00::2]:9301",
                "PARTISAN_DISCOVERY_POLL_INTERVAL": "2s",
            ]) { $1 })
        #expect(seeds.discovery?.method == .seeds && seeds.discovery?.pollInterval == .seconds(2))
        #expect(
            seeds.discovery?.seeds
                == [ListenAddress(host: "10.0.0.1", port: 9300), ListenAddress(host: "fd00::2", port: 9301)])
        let dns = try await fixture.load(
            environment: base.merging([
                "PARTISAN_DISCOVERY": "dns", "PARTISAN_DISCOVERY_DNS_QUERY": "app.default.svc.cluster.local",
                "PARTISAN_DISCOVERY_DNS_NAMESERVER": "127.0.0.1:5353",
            ]) { $1 })
        #expect(dns.discovery?.query == "app.default.svc.cluster.local" && dns.discovery?.port == 9300)
        #expect(
            dns.discovery?.basename == "app"
                && dns.discovery?.nameserver == ListenAddress(host: "127.0.0.1", port: 5353))
        // Each method's own key is required; a port is needed to dial what DNS or a file finds.
        for (method, key) in [
            ("static", "discovery.seeds"), ("dns", "discovery.dns.query"), ("dns-srv", "discovery.dns.service"),
            ("hosts-file", "discovery.hostsFile"),
        ] {
            let error = await fixture.error(environment: base.merging(["PARTISAN_DISCOVERY": method]) { $1 })
            guard case .missing(let missing, _) = error else {
                Issue.record("\(method): \(String(describing: error))")
                continue
            }
            #expect(missing == key)
        }
        var free = base
        free["PARTISAN_LISTEN_PORT"] = nil
        let portless = await fixture.error(
            environment: free.merging(["PARTISAN_DISCOVERY": "dns", "PARTISAN_DISCOVERY_DNS_QUERY": "x.test"]) { $1 })
        guard case .missing("discovery.port", _) = portless else {
            Issue.record("\(String(describing: portless))")
            return
        }
        let bad = await fixture.error(environment: base.merging(["PARTISAN_DISCOVERY": "gossip"]) { $1 })
        guard case .badValue("discovery", _, _, _) = bad else {
            Issue.record("\(String(describing: bad))")
            return
        }
    }

    @Test func test_the_listing_has_every_key_once_in_schema_order() async throws {
        let fixture = try ConfigurationFixture()
        let loaded = try await fixture.load(environment: ["PARTISAN_NAME": "l@127.0.0.1", "PARTISAN_COOKIE": "c"])
        #expect(loaded.settings.map(\.key) == ConfigurationSchema.keys.map(\.name))
    }

    @Test func test_a_static_overlay_takes_its_peers_from_the_list() async throws {
        let fixture = try ConfigurationFixture()
        let loaded = try await fixture.load(environment: [
            "PARTISAN_NAME": "s@127.0.0.1", "PARTISAN_COOKIE": "c", "PARTISAN_OVERLAY_KIND": "static",
            "PARTISAN_OVERLAY_STATIC_PEERS": "a@127.0.0.1:9101,b@127.0.0.1:9102",
        ])
        #expect(loaded.configuration.distribution?.overlay.name == "static")
        let missing = await fixture.error(environment: [
            "PARTISAN_NAME": "s@127.0.0.1", "PARTISAN_COOKIE": "c", "PARTISAN_OVERLAY_KIND": "static",
        ])
        guard case .missing(let key, _) = missing else {
            Issue.record("\(String(describing: missing))")
            return
        }
        #expect(key == "overlay.static.peers")
    }

    @Test func test_listen_is_short_for_host_and_port_each_part_from_the_higher_source() async throws {
        let fixture = try ConfigurationFixture()
        try fixture.write("long.yaml", "name: l@127.0.0.1\ncookie: c\nlisten:\n  host: 127.0.0.2\n  port: 1111\n")
        let environment = try await fixture.load(file: "long.yaml", environment: ["PARTISAN_LISTEN": "[::1]:2222"])
        #expect(environment.configuration.distribution?.listenHost == "::1")
        #expect(environment.configuration.distribution?.listenPort == 2222)
        #expect(environment.setting("listen.port")?.source == .environment("PARTISAN_LISTEN"))
        // Within one source the long form wins; a part the long form leaves out comes from the short one.
        let same = try await fixture.load(
            file: "long.yaml", environment: ["PARTISAN_LISTEN": "127.0.0.3:3333", "PARTISAN_LISTEN_PORT": "4444"])
        #expect(same.configuration.distribution?.listenHost == "127.0.0.3")
        #expect(same.configuration.distribution?.listenPort == 4444)
        let bad = await fixture.error(file: "long.yaml", environment: ["PARTISAN_LISTEN": "::1:80"])
        guard case .badValue(key: "listen", source: .environment("PARTISAN_LISTEN"), _, _) = bad else {
            Issue.record("\(String(describing: bad))")
            return
        }
    }
}
