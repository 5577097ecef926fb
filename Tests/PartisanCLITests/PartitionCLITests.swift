import Foundation
import PartisanTestSupport
import Testing

/// `partisan partition` against real `partisan node` OS processes: a node cut off from its
/// peer drops it from its live members, and gets it back once the partition is resolved.
@Suite struct PartitionCLITests {
    static func partition(_ address: String, _ arguments: [String]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try await CLIProcess.run(["partition", "--node", address, "--cookie", "clitest"] + arguments)
    }

    @Test func partition_cuts_a_running_node_off_and_resolve_brings_the_peer_back() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        let a = try await cluster.start("pa")
        let b = try await cluster.start("pb", join: [a.address])
        try await CLITests.waitUntil([a, b], list: [a.name, b.name], within: .seconds(30), "lists both")

        let injected = try await Self.partition(a.address, ["--from", b.name])
        #expect(injected.status == 0, "\(injected.stderr)")
        #expect(injected.stdout == "1\n")
        let listed = try await Self.partition(a.address, ["--list"])
        let partitions = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
        #expect(partitions?.count == 1)
        #expect(partitions?.first?["reference"] as? Int == 1)
        #expect(partitions?.first?["nodes"] as? [String] == [b.name])
        // Both processes keep running; each stops hearing from the other.
        try await CLITests.waitUntil([a], list: [a.name], within: .seconds(30), "drops its cut-off peer")
        try await CLITests.waitUntil([b], list: [b.name], within: .seconds(30), "drops the silent node")
        #expect(a.process.isRunning && b.process.isRunning)

        let resolved = try await Self.partition(a.address, ["--resolve", "1"])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        try await CLITests.waitUntil([a, b], list: [a.name, b.name], within: .seconds(30), "lists both again")
        #expect(try await Self.partition(a.address, []).stdout == "[]\n")
        let again = try await Self.partition(a.address, ["--resolve", "1"])
        #expect(again.status == 3)
        #expect(again.stderr.contains("no partition 1"))
        cluster.killAll()
    }

    @Test func partition_refuses_bad_names_and_a_wrong_cookie() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        let a = try await cluster.start("pbad")
        let bad = try await Self.partition(a.address, ["--from", "no-host"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("not a node name"))
        let both = try await Self.partition(a.address, ["--from", "x@127.0.0.1", "--resolve", "1"])
        #expect(both.status == 64)
        let wrongCookie = try await CLIProcess.run(
            ["partition", "--node", a.address, "--cookie", "not-the-cookie", "--from", "x@127.0.0.1"])
        #expect(wrongCookie.status == 2)
        #expect(try await Self.partition(a.address, ["--list"]).stdout == "[]\n")
        cluster.killAll()
    }
}
