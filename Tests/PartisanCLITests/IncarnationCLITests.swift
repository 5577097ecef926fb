import Foundation
import PartisanTestSupport
import Testing

/// Two `partisan node` processes of one name: the one connected first keeps its place, the
/// other is refused with a clear message until the first is gone; neither is locked out for
/// good (issue 14, "Incarnation lockout").
@Suite(.serialized) struct IncarnationCLITests {
    typealias Started = (name: String, address: String, process: CLIProcess)

    /// `partisan rpc --node address partisan.info`'s `connectedNodes`, or `nil` on failure.
    static func connectedNodes(at address: String) async throws -> [String]? {
        let result = try await CLIProcess.run(["rpc", "--node", address, "--cookie", "clitest", "partisan.info"])
        guard result.status == 0 else { return nil }
        let info = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return info?["connectedNodes"] as? [String]
    }

    /// Waits until `a` and `b` list each other as live members.
    static func waitUntilTogether(_ a: Started, _ b: Started, within timeout: Duration, _ what: String) async throws {
        try await CLITests.waitUntil([a, b], list: [a.name, b.name], within: timeout, what)
    }

    @Test func test_a_second_node_of_a_name_is_refused_while_the_first_is_connected() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        // No failure detection in the way: on a loaded machine a heartbeat a second late would
        // drop b for a moment, and the twin would rightly get in.
        let patient = ["--suspect-after", "60"]
        let a = try await cluster.start("a", extra: patient)
        let b = try await cluster.start("b", join: [a.address], extra: patient)
        try await Self.waitUntilTogether(a, b, within: .seconds(30), "lists a and b")

        let twin = try await cluster.start("b", join: [a.address])
        // It tries until its join timeout (10 s), then gives up with one clear line.
        #expect(try await twin.process.waitForExit(timeout: .seconds(30)) == 1)
        let lines = twin.process.stderr.split(separator: "\n")
        #expect(
            lines.last?.contains("cannot join \(a.address): another node named \(b.name) is connected to it") == true,
            "stderr: \(twin.process.stderr)")
        #expect(twin.process.stderr.contains("peer refused: another node named \(b.name) is connected"))
        #expect(a.process.stderr.contains("refusing a second incarnation of \(b.name) while the first is connected"))

        // a kept b all along: members, ping and rpc still see it.
        #expect(b.process.isRunning)
        #expect(try await CLITests.members(at: a.address) == [a.name, b.name].sorted())
        #expect(try await CLITests.members(at: b.address) == [a.name, b.name].sorted())
        #expect(try await Self.connectedNodes(at: a.address) == [b.name])
        let ping = try await CLIProcess.run(["ping", "--node", b.address, "--cookie", "clitest"])
        #expect(ping.status == 0 && ping.stdout == "pong\n")
    }

    /// The lockout of issue 14, end to end: b hangs until a drops it, a twin takes the name,
    /// the twin stops, and b comes back.
    @Test func test_a_hung_node_replaced_by_a_twin_is_let_in_again_once_the_twin_is_gone() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a")
        let b = try await cluster.start("b", join: [a.address])
        try await Self.waitUntilTogether(a, b, within: .seconds(30), "lists a and b")

        b.process.signal(SIGSTOP)
        try await CLITests.waitUntil([a], list: [a.name], within: CLITests.detection, "drops the hung \(b.name)")
        let twin = try await cluster.start("b", join: [a.address])
        try await Self.waitUntilTogether(a, twin, within: .seconds(30), "lists a and the twin")

        twin.process.signal(SIGTERM)
        #expect(try await twin.process.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(twin.process.stderr)")
        try await CLITests.waitUntil([a], list: [a.name], within: .seconds(10), "drops the twin")
        let clock = ContinuousClock()
        let resumed = clock.now
        b.process.signal(SIGCONT)
        try await Self.waitUntilTogether(a, b, within: .seconds(30), "lists a and b again")
        // b noticed the session a ended (at once: a closed its connections) or a's silence
        // (failure detection), reconnected and gossiped once.
        #expect(clock.now - resumed < CLITests.detection + .milliseconds(200))
        #expect(try await Self.connectedNodes(at: a.address) == [b.name])
    }

    @Test func test_a_killed_node_restarted_at_once_joins_promptly() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a")
        let b = try await cluster.start("b", join: [a.address])
        try await Self.waitUntilTogether(a, b, within: .seconds(30), "lists a and b")

        b.process.kill()
        let clock = ContinuousClock()
        let killed = clock.now
        let restarted = try await cluster.start("b", join: [a.address])
        try await Self.waitUntilTogether(a, restarted, within: .seconds(30), "lists a and the restarted b")
        #expect(clock.now - killed < CLITests.detection)
        #expect(restarted.process.isRunning, "stderr: \(restarted.process.stderr)")
    }
}
