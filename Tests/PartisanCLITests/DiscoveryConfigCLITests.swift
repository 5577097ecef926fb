import Foundation
import PartisanTestSupport
import Testing

/// `partisan node` runs the discovery its `discovery` settings describe (here from the
/// environment): a hosts file naming a running node is enough to join it.
@Suite(.serialized) struct DiscoveryConfigCLITests {
    @Test func a_node_joins_the_nodes_its_configured_hosts_file_names() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a")
        let directory = try CookieCLITests.directory()
        let hosts = try CookieCLITests.file(
            "hosts", in: directory, contents: "# the cluster's seeds\n\(a.address)\n", mode: 0o644)
        let name = "\(cluster.prefix)-b@127.0.0.1"
        let b = try CLIProcess(
            ["node", "--name", name, "--listen", "127.0.0.1:0", "--cookie", "clitest"] + CLITests.timings,
            environment: [
                "PARTISAN_DISCOVERY": "hosts-file", "PARTISAN_DISCOVERY_HOSTS_FILE": hosts,
                "PARTISAN_DISCOVERY_PORT": "9", "PARTISAN_DISCOVERY_POLL_INTERVAL": "200ms",
            ])
        defer { b.kill() }
        try await eventually(timeout: .seconds(30), "\(name) lists both nodes") {
            try await CLITests.members(at: a.address) == [a.name, name].sorted()
        }
        #expect(b.isRunning, "stderr: \(b.stderr)")
    }

    @Test func discovery_without_its_own_setting_is_a_clear_error() async throws {
        try CLITests.requireBinary()
        let result = try await CLIProcess.run(
            ["node", "--name", "nodisc@127.0.0.1", "--listen", "127.0.0.1:0", "--cookie", "clitest"],
            environment: ["PARTISAN_DISCOVERY": "dns-srv"])
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("discovery.dns.service"), "\(result.stderr)")
    }
}
