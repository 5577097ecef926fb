import Foundation
import PartisanTestSupport
import Synchronization
import Testing

/// Black-box tests of the `partisan` tool: every node is an OS process of the built binary,
/// queried with `partisan members` / `partisan ping` processes.
@Suite(.serialized) struct CLITests {
    static let serial = Atomic<Int>(0)
    /// Short timings: a hung node is declared down within 1.2 s; a killed one at once (its
    /// connections close).
    static let timings = ["--gossip-interval", "0.2", "--suspect-after", "1"]
    /// How long a peer may take to drop a killed node: the configured detection time, plus
    /// the time a `partisan members` process needs on a loaded machine.
    static let detection: Duration = .milliseconds(1200) + .seconds(4)

    /// `partisan node` processes of one test, all killed when it ends.
    final class Cluster: Sendable {
        let prefix = "cli\(CLITests.serial.wrappingAdd(1, ordering: .relaxed).oldValue)-\(getpid())"
        let nodes = Mutex<[(name: String, address: String, process: CLIProcess)]>([])

        deinit { killAll() }

        func killAll() {
            nodes.withLock { nodes in
                for node in nodes { node.process.kill() }
            }
        }

        /// Starts node `name` (joining `join`) and waits for its `listening` line; returns its
        /// full name and address.
        @discardableResult
        func start(
            _ name: String, join: [String] = [], cookie: String = "clitest", extra: [String] = []
        ) async throws -> (
            name: String, address: String, process: CLIProcess
        ) {
            let fullName = "\(prefix)-\(name)@127.0.0.1"
            let process = try CLIProcess(
                ["node", "--name", fullName, "--listen", "127.0.0.1:0", "--cookie", cookie]
                    + join.flatMap { ["--join", $0] } + CLITests.timings + extra)
            nodes.withLock { $0.append((fullName, "", process)) }
            try await eventually(timeout: .seconds(30), "\(fullName) prints its listening line") {
                process.stdout.contains("\n") || !process.isRunning
            }
            let words = process.stdout.split(separator: "\n").first?.split(separator: " ") ?? []
            try #require(
                words.count == 3 && words[0] == "listening" && words[1] == fullName,
                "stdout: \(process.stdout) stderr: \(process.stderr)")
            let node = (fullName, String(words[2]), process)
            nodes.withLock { $0[$0.count - 1] = node }
            return node
        }
    }

    static func members(at address: String, cookie: String = "clitest") async throws -> [String]? {
        let result = try await CLIProcess.run(["members", "--node", address, "--cookie", cookie, "--json"])
        guard result.status == 0 else { return nil }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String]
    }

    /// Waits until every one of `nodes` answers `partisan members` with exactly `expected`.
    static func waitUntil(
        _ nodes: [(name: String, address: String, process: CLIProcess)], list expected: [String],
        within timeout: Duration, _ what: String
    ) async throws {
        for node in nodes {
            try await eventually(timeout: timeout, "\(node.name) \(what)") {
                try await members(at: node.address) == expected.sorted()
            }
        }
    }

    static func requireBinary() throws {
        try #require(CLIProcess.binary != nil, "\(CLIError.binaryMissing)")
    }

    @Test func test_three_nodes_agree_on_members_and_a_killed_node_disappears_within_detection_time()
        async throws
    {
        try Self.requireBinary()
        let cluster = Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a")
        let b = try await cluster.start("b", join: [a.address])
        let c = try await cluster.start("c", join: [a.address])
        let all = [a.name, b.name, c.name].sorted()
        try await Self.waitUntil([a, b, c], list: all, within: .seconds(30), "lists all three")
        c.process.kill()
        let clock = ContinuousClock()
        let killed = clock.now
        try await Self.waitUntil([a, b], list: [a.name, b.name], within: Self.detection, "drops the killed \(c.name)")
        #expect(clock.now - killed < Self.detection)
        // The queries were hidden clients: none of them became a member.
        #expect(try await Self.members(at: a.address) == [a.name, b.name].sorted())
    }

    @Test func test_a_hung_node_disappears_within_detection_time() async throws {
        try Self.requireBinary()
        let cluster = Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a")
        let b = try await cluster.start("b", join: [a.address])
        let c = try await cluster.start("c", join: [a.address])
        try await Self.waitUntil([a, b], list: [a.name, b.name, c.name], within: .seconds(30), "lists all three")
        // SIGSTOP keeps c's sockets open: only the missing heartbeats reveal it.
        c.process.signal(SIGSTOP)
        let clock = ContinuousClock()
        let stopped = clock.now
        try await Self.waitUntil([a, b], list: [a.name, b.name], within: Self.detection, "drops the hung \(c.name)")
        #expect(clock.now - stopped < Self.detection)
    }

    @Test func test_sigterm_leaves_the_cluster_and_exits_zero() async throws {
        try Self.requireBinary()
        let cluster = Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a")
        let b = try await cluster.start("b", join: [a.address])
        try await eventually(timeout: .seconds(30), "a lists b") {
            try await Self.members(at: a.address) == [a.name, b.name].sorted()
        }
        b.process.signal(SIGTERM)
        #expect(try await b.process.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(b.process.stderr)")
        try await eventually(timeout: .seconds(10), "a drops b") {
            try await Self.members(at: a.address) == [a.name]
        }
    }

    @Test func test_sigterm_during_a_hanging_join_still_exits_zero_at_once() async throws {
        try Self.requireBinary()
        let cluster = Cluster()
        defer { cluster.killAll() }
        let hung = try await cluster.start("hung")
        hung.process.signal(SIGSTOP)
        // The join would wait for the handshake timeout (10 s); the signal must not.
        let joiner = try await cluster.start("joiner", join: [hung.address])
        joiner.process.signal(SIGTERM)
        #expect(try await joiner.process.waitForExit(timeout: .seconds(8)) == 0, "stderr: \(joiner.process.stderr)")
    }

    @Test func test_ping_answers_pong_from_a_node_and_pang_from_a_dead_port() async throws {
        try Self.requireBinary()
        let cluster = Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a")
        let pong = try await CLIProcess.run(["ping", "--node", a.address, "--cookie", "clitest"])
        #expect(pong.status == 0)
        #expect(pong.stdout == "pong\n")

        // A port that was just free: nothing listens on it.
        let dead = try await cluster.start("dead")
        dead.process.kill()
        _ = try await dead.process.waitForExit(timeout: .seconds(30))
        let pang = try await CLIProcess.run(["ping", "--node", dead.address, "--cookie", "clitest"])
        #expect(pang.status == 1)
        #expect(pang.stdout == "pang\n")
        #expect(pang.stderr.split(separator: "\n").count == 1, "stderr: \(pang.stderr)")
    }

    @Test func test_wrong_cookie_fails_with_one_error_line_and_exit_two() async throws {
        try Self.requireBinary()
        let cluster = Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a")
        for command in ["members", "ping"] {
            let result = try await CLIProcess.run([command, "--node", a.address, "--cookie", "wrong"])
            #expect(result.status == 2, "\(command) stderr: \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command) stderr: \(result.stderr)")
            #expect(result.stderr.contains("cookie"))
        }
        // The node is unharmed and still alone.
        #expect(try await Self.members(at: a.address) == [a.name])
    }

    @Test func test_a_node_whose_seed_is_down_keeps_serving_with_one_warning_line() async throws {
        try Self.requireBinary()
        let cluster = Cluster()
        defer { cluster.killAll() }
        let dead = try await cluster.start("dead")
        dead.process.kill()
        _ = try await dead.process.waitForExit(timeout: .seconds(30))
        let lonely = try await cluster.start("lonely", join: [dead.address])
        // It retries the seed with backoff (SeedRetryCLITests joins it once it is up) and serves
        // meanwhile; the seed's failure is one line, not one per retry.
        try await eventually(timeout: .seconds(30), "lonely warns about its seed") {
            lonely.process.stderr.contains("discovery cannot join a contact yet")
        }
        for _ in 0..<3 { #expect(try await Self.members(at: lonely.address) == [lonely.name]) }
        #expect(lonely.process.isRunning)
        #expect(lonely.process.stderr.split(separator: "\n").count == 1, "stderr: \(lonely.process.stderr)")
    }

    @Test func test_nodes_and_clients_with_extra_channels() async throws {
        try Self.requireBinary()
        let cluster = Cluster()
        defer { cluster.killAll() }
        let channels = ["--channels", "bulk:2,default:3"]
        let a = try await cluster.start("a", extra: channels)
        let b = try await cluster.start("b", join: [a.address], extra: channels)
        try await eventually(timeout: .seconds(30), "a lists b over the extra channels") {
            let result = try await CLIProcess.run(
                ["members", "--node", a.address, "--cookie", "clitest"] + channels)
            return result.status == 0 && result.stdout == [a.name, b.name].sorted().map { "\($0)\n" }.joined()
        }
    }

    @Test func test_bad_usage_exits_64() async throws {
        try Self.requireBinary()
        for arguments in [["ping", "--node", "nowhere"], ["node", "--name", "no-host", "--listen", "127.0.0.1:0"]] {
            #expect(try await CLIProcess.run(arguments).status == 64, "\(arguments)")
        }
    }

    @Test func test_members_prints_one_name_per_line_without_json() async throws {
        try Self.requireBinary()
        let cluster = Cluster()
        defer { cluster.killAll() }
        let a = try await cluster.start("a")
        let result = try await CLIProcess.run(["members", "--node", a.address, "--cookie", "clitest"])
        #expect(result.status == 0)
        #expect(result.stdout == "\(a.name)\n")
    }
}
