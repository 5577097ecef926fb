import Foundation
import Partisan
import PartisanCluster
import PartisanTestSupport
import Testing

/// The hosts file: its format, and a cluster that follows the file as it is edited.
@Suite struct HostsFileDiscoveryTests {
    @Test func the_format_takes_host_port_bare_hosts_and_erlang_atoms() {
        let text = """
            # the cluster's hosts
            10.0.0.5:9100
              app-2.internal    # default port
            'app-3.internal'.
            [fd00::5]:9200
            % Erlang's comment
            10.0.0.5:9100
            bad host:1
            'unterminated
            10.0.0.6:0

            """
        let parsed = HostsFile.parse(text, defaultPort: 9100)
        #expect(
            parsed.contacts == [
                ListenAddress(host: "10.0.0.5", port: 9100), ListenAddress(host: "app-2.internal", port: 9100),
                ListenAddress(host: "app-3.internal", port: 9100), ListenAddress(host: "fd00::5", port: 9200),
            ])
        #expect(parsed.invalidLines == [8, 9, 10])
    }

    @Test func a_huge_file_is_bounded() {
        let text = String(repeating: "10.0.0.1:1\n", count: HostsFile.maxLines + 10)
        let parsed = HostsFile.parse(text, defaultPort: 1)
        #expect(parsed.contacts.count == 1)
        #expect(parsed.invalidLines == [HostsFile.maxLines + 1])
    }

    @Test func the_cluster_follows_the_file_as_it_is_edited() async throws {
        let prefix = DiscoveryNodes.prefix("hosts")
        let a = try await DiscoveryNodes.start("\(prefix)a@127.0.0.1")
        let b = try await DiscoveryNodes.start("\(prefix)b@127.0.0.1")
        let c = try await DiscoveryNodes.start("\(prefix)c@127.0.0.1")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-hosts-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        func write(_ lines: [String]) throws {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write(["# seeds", "\(b.listenAddress!)", "not a host"])
        let recorder = LogRecorder()
        let strategy = CountedStrategy(try HostsFileDiscovery(path: path, defaultPort: 9100, logger: recorder.logger()))
        let discovery = try ClusterDiscovery.start(
            on: a, strategies: [strategy], configuration: DiscoveryNodes.discovery())
        try await discovery.awaitJoined(minimum: 2, timeout: .seconds(30))
        try await strategy.waitForSuccesses(3)
        // The invalid line is reported once (by number), not on every round.
        #expect(recorder.lines.filter { $0.contains("invalid lines") }.count == 1)
        #expect(!recorder.lines.contains { $0.contains("not a host") })

        try write(["\(b.listenAddress!)", "127.0.0.1:\(c.listenAddress!.port)"])
        try await eventually("c joined") { a.members() == [a.name, b.name, c.name].sorted() }

        try write([])
        try await strategy.waitForSuccesses(3)
        #expect(a.members() == [a.name, b.name, c.name].sorted())

        try FileManager.default.removeItem(atPath: path)
        try await strategy.waitForFailures(2)
        #expect(a.members() == [a.name, b.name, c.name].sorted())
        discovery.stop()
        for node in [a, b, c] { await node.shutdown() }
    }

    @Test func a_missing_or_oversized_file_is_an_error_naming_it() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-hosts-\(UUID())").path
        let strategy = try HostsFileDiscovery(path: path, defaultPort: 9100)
        await #expect(throws: ClusterDiscoveryError.unreadableFile(path: path, reason: "No such file or directory")) {
            try await strategy.discover()
        }
        try String(repeating: "#", count: HostsFileDiscovery.maxBytes + 1).write(
            toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect(
            throws: ClusterDiscoveryError.unreadableFile(
                path: path, reason: "larger than \(HostsFileDiscovery.maxBytes) bytes")
        ) {
            try await strategy.discover()
        }
    }
}
