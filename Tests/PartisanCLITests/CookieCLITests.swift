import Foundation
import PartisanTestSupport
import Testing

/// Where the `partisan` commands take the cookie from: `--cookie-file` (or `--cookie`), then
/// `PARTISAN_COOKIE`, then `~/.partisan.cookie` (made private with a random secret on first
/// use); cookie files open to group or others are refused; a weak cookie is refused on a
/// non-loopback address. Every process runs with its own `HOME`.
@Suite struct CookieCLITests {
    /// A fresh directory (a `HOME`, or a place for cookie files).
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-cookie-test-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `contents` to `name` in `directory` with permissions `mode`; returns its path.
    static func file(_ name: String, in directory: URL, contents: String, mode: Int = 0o600) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    static func permissions(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    /// Starts `partisan node` named `name` on 127.0.0.1 (or `listen`) with `arguments` and
    /// `environment`, and waits for its listening line.
    static func startNode(
        _ cluster: CLITests.Cluster, _ name: String, _ arguments: [String] = [], environment: [String: String]
    ) async throws -> (name: String, address: String, process: CLIProcess) {
        let fullName = "\(cluster.prefix)-\(name)@127.0.0.1"
        let process = try CLIProcess(
            ["node", "--name", fullName, "--listen", "127.0.0.1:0"] + CLITests.timings + arguments,
            environment: environment)
        cluster.nodes.withLock { $0.append((fullName, "", process)) }
        try await eventually(timeout: .seconds(30), "\(fullName) prints its listening line") {
            process.stdout.contains("\n") || !process.isRunning
        }
        let words = process.stdout.split(separator: "\n").first?.split(separator: " ") ?? []
        try #require(words.count == 3 && words[0] == "listening", "stdout: \(process.stdout) stderr: \(process.stderr)")
        return (fullName, String(words[2]), process)
    }

    static func ping(_ address: String, _ arguments: [String] = [], environment: [String: String]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try await CLIProcess.run(["ping", "--node", address] + arguments, environment: environment)
    }

    @Test func test_the_default_cookie_file_is_created_private_on_first_use_and_reused() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let home = try Self.directory()
        let node = try await Self.startNode(cluster, "home", environment: ["HOME": home.path])

        let path = home.appendingPathComponent(".partisan.cookie").path
        #expect(try Self.permissions(path) == 0o600)
        let secret = try String(contentsOfFile: path, encoding: .utf8)
        // 32 random bytes, base64url: 43 characters, one line.
        #expect(secret.count == 44 && secret.hasSuffix("\n"))
        #expect(secret.dropLast().allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })

        // A client with the same HOME reuses the file; one with another HOME makes its own.
        let pong = try await Self.ping(node.address, environment: ["HOME": home.path])
        #expect(pong.status == 0 && pong.stdout == "pong\n", "stderr: \(pong.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == secret)
        let stranger = try await Self.ping(node.address, environment: ["HOME": try Self.directory().path])
        #expect(stranger.status == 2, "stderr: \(stranger.stderr)")
        // The secret is never printed.
        let secretText = String(secret.dropLast())
        for output in [node.process.stdout, node.process.stderr, pong.stdout, pong.stderr, stranger.stderr] {
            #expect(!output.contains(secretText))
        }
    }

    @Test func test_a_cookie_file_open_to_group_or_others_is_refused() async throws {
        try CLITests.requireBinary()
        let directory = try Self.directory()
        for mode in [0o640, 0o604, 0o620, 0o602] {
            let path = try Self.file("cookie-\(mode)", in: directory, contents: "s3cret-value\n", mode: mode)
            for command in [
                ["ping", "--node", "127.0.0.1:1"], ["node", "--name", "x@127.0.0.1", "--listen", "127.0.0.1:0"],
            ] {
                let result = try await CLIProcess.run(command + ["--cookie-file", path])
                #expect(result.status == 78, "\(command) mode \(String(mode, radix: 8)): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)")
                #expect(result.stderr.contains(path) && result.stderr.contains("group or others"))
                #expect(!result.stderr.contains("s3cret-value") && !result.stdout.contains("s3cret-value"))
            }
        }
        // The default file too.
        let home = try Self.directory()
        let path = try Self.file(".partisan.cookie", in: home, contents: "s3cret-value\n", mode: 0o644)
        let result = try await CLIProcess.run(["members", "--node", "127.0.0.1:1"], environment: ["HOME": home.path])
        #expect(result.status == 78 && result.stderr.contains(path), "stderr: \(result.stderr)")
    }

    @Test func test_an_empty_cookie_is_refused_and_trailing_whitespace_is_trimmed() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let directory = try Self.directory()
        let empty = try Self.file("empty", in: directory, contents: " \n\n")
        let refused = try await CLIProcess.run(["ping", "--node", "127.0.0.1:1", "--cookie-file", empty])
        #expect(refused.status == 78 && refused.stderr.contains("\(empty) is empty"), "stderr: \(refused.stderr)")
        let emptyVariable = try await CLIProcess.run(
            ["ping", "--node", "127.0.0.1:1"], environment: ["PARTISAN_COOKIE": ""])
        #expect(emptyVariable.status == 78 && emptyVariable.stderr.contains("PARTISAN_COOKIE is set but empty"))

        let padded = try Self.file("padded", in: directory, contents: "trimmed-secret \t\n\n")
        let node = try await Self.startNode(cluster, "trim", ["--cookie-file", padded], environment: [:])
        let pong = try await Self.ping(node.address, ["--cookie", "trimmed-secret"], environment: [:])
        #expect(pong.status == 0, "stderr: \(pong.stderr)")
    }

    @Test func test_PARTISAN_COOKIE_is_honoured_instead_of_the_default_file() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let home = try Self.directory()
        let environment = ["HOME": home.path, "PARTISAN_COOKIE": "from-the-environment"]
        let node = try await Self.startNode(cluster, "env", environment: environment)
        let pong = try await Self.ping(node.address, environment: environment)
        #expect(pong.status == 0, "stderr: \(pong.stderr)")
        let wrong = try await Self.ping(node.address, environment: ["HOME": home.path, "PARTISAN_COOKIE": "other"])
        #expect(wrong.status == 2, "stderr: \(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent(".partisan.cookie").path))
    }

    @Test func test_the_cookie_file_comes_before_the_environment_which_comes_before_the_default_file() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let home = try Self.directory()
        _ = try Self.file(".partisan.cookie", in: home, contents: "home-secret\n")
        let file = try Self.file("cookie", in: try Self.directory(), contents: "file-secret\n")
        // The node has all three: the file wins.
        let node = try await Self.startNode(
            cluster, "order", ["--cookie-file", file],
            environment: ["HOME": home.path, "PARTISAN_COOKIE": "env-secret"])

        let cases: [(arguments: [String], environment: [String: String], status: Int32)] = [
            (["--cookie-file", file], ["HOME": home.path, "PARTISAN_COOKIE": "env-secret"], 0),
            ([], ["HOME": home.path, "PARTISAN_COOKIE": "file-secret"], 0),  // the environment beats the home file
            ([], ["HOME": home.path, "PARTISAN_COOKIE": "env-secret"], 2),  // the node took its file, not this
            ([], ["HOME": home.path], 2),  // the node did not take its home file either
            (["--cookie", "file-secret"], ["HOME": home.path, "PARTISAN_COOKIE": "env-secret"], 0),
            (["--cookie", "file-secret", "--cookie-file", file], ["HOME": home.path], 64),
        ]
        for (arguments, environment, status) in cases {
            let result = try await Self.ping(node.address, arguments, environment: environment)
            #expect(result.status == status, "\(arguments) \(environment): \(result.stderr)")
        }
    }

    @Test func test_a_node_refuses_the_well_known_cookie_on_a_non_loopback_address() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let name = "\(cluster.prefix)-open@127.0.0.1"
        for (arguments, environment) in [
            (["--cookie", "partisan"], [String: String]()), ([], ["PARTISAN_COOKIE": "partisan"]),
        ] {
            let result = try await CLIProcess.run(
                ["node", "--name", name, "--listen", "0.0.0.0:0"] + arguments, environment: environment)
            #expect(result.status == 78, "stderr: \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("not a loopback address") && result.stderr.contains("well-known cookie"))
            #expect(result.stdout.isEmpty)
        }
        // On loopback the word works (tests, one machine).
        let node = try await Self.startNode(cluster, "loop", ["--cookie", "partisan"], environment: [:])
        let pong = try await Self.ping(node.address, ["--cookie", "partisan"], environment: [:])
        #expect(pong.status == 0, "stderr: \(pong.stderr)")
    }
}
