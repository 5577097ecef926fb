import Foundation
import PartisanTestSupport
import Testing

/// `partisan node --join`: a seed that is down keeps the node running and retrying, and is
/// joined once it comes up.
@Suite struct SeedRetryCLITests {
    @Test func test_a_node_whose_seed_is_down_keeps_running_and_joins_it_once_it_is_up() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        // A free port below the ephemeral range, which no other test's node is given meanwhile:
        // nothing listens there when b starts.
        let probe = (name: "\(cluster.prefix)-seed@127.0.0.1", address: "127.0.0.1:\(try CLIProcess.freePort())")
        let b = try await cluster.start("b", join: [probe.address])
        try await eventually(timeout: .seconds(30), "b says it cannot join the seed yet") {
            b.process.stderr.contains("discovery cannot join a contact yet; retrying with backoff")
        }
        #expect(b.process.isRunning)

        let seed = try CLIProcess(
            ["node", "--name", probe.name, "--listen", probe.address, "--cookie", "clitest"] + CLITests.timings)
        defer { seed.kill() }
        try await eventually(timeout: .seconds(30), "the seed listens again") { seed.stdout.contains("listening") }
        try await CLITests.waitUntil(
            [(b.name, b.address, b.process), (probe.name, probe.address, seed)], list: [b.name, probe.name],
            within: .seconds(60), "lists b and the seed")
        #expect(b.process.isRunning)
    }
}
