import Foundation
import PartisanTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// `partisan node --config FILE` and `partisan config check FILE` as a user runs them: real
/// files, real environment variables, real OS processes.
@Suite(.serialized) struct ConfigCLITests {
    /// Starts `partisan node --config file` (plus `arguments`) and waits for its listening line;
    /// retries on another port if the chosen one was taken meanwhile.
    static func startNode(
        _ cluster: CLITests.Cluster, configuration: (Int) throws -> String, _ arguments: [String] = [],
        environment: [String: String] = [:]
    ) async throws -> (port: Int, words: [Substring], process: CLIProcess) {
        for _ in 0..<3 {
            let port = try CLIProcess.freePort()
            let process = try CLIProcess(
                ["node", "--config", try configuration(port)] + arguments, environment: environment)
            cluster.nodes.withLock { $0.append(("config", "", process)) }
            try await eventually(timeout: .seconds(30), "the node prints its listening line") {
                process.stdout.contains("\n") || !process.isRunning
            }
            if !process.isRunning && process.stderr.contains("in use") { continue }
            let words = process.stdout.split(separator: "\n").first?.split(separator: " ") ?? []
            try #require(
                words.count == 3 && words[0] == "listening", "stdout: \(process.stdout) stderr: \(process.stderr)")
            return (port, words, process)
        }
        throw CLIError.binaryMissing
    }

    @Test func test_a_node_started_from_a_yaml_file_listens_on_its_port_and_proves_its_cookie() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let directory = try CookieCLITests.directory()
        let cookie = try CookieCLITests.file("cookie", in: directory, contents: "yaml-cluster-secret\n")
        let name = "\(cluster.prefix)-yaml@127.0.0.1"
        let node = try await Self.startNode(cluster) { port in
            try CookieCLITests.file(
                "cluster.yaml", in: directory,
                contents: """
                    profile: dev
                    name: \(name)
                    listen:
                      host: 127.0.0.1
                      port: \(port)
                    cookie:
                      file: \(cookie)
                    membership:
                      gossipInterval: 200ms
                      suspectAfter: 1s
                    channels: [bulk:2]
                    """)
        }
        #expect(node.words[1] == name && node.words[2] == "127.0.0.1:\(node.port)")
        let address = "127.0.0.1:\(node.port)"
        let pong = try await CookieCLITests.ping(address, ["--cookie-file", cookie], environment: [:])
        #expect(pong.status == 0 && pong.stdout == "pong\n", "stderr: \(pong.stderr)")
        let wrong = try await CookieCLITests.ping(address, ["--cookie", "another-secret"], environment: [:])
        #expect(wrong.status == 2, "stderr: \(wrong.stderr)")
        #expect(
            !node.process.stdout.contains("yaml-cluster-secret") && !node.process.stderr.contains("yaml-cluster-secret")
        )
    }

    @Test func test_flags_and_environment_variables_override_the_json_file() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        defer { cluster.killAll() }
        let directory = try CookieCLITests.directory()
        let name = "\(cluster.prefix)-env@127.0.0.1"
        let node = try await Self.startNode(
            cluster,
            configuration: { port in
                try CookieCLITests.file(
                    "cluster.json", in: directory,
                    contents: #"{"name": "file@127.0.0.1", "cookie": "from-the-file", "listen": {"port": 1}}"#)
            },
            ["--cookie", "from-the-flag"],
            environment: [
                "PARTISAN_NAME": name, "PARTISAN_LISTEN_PORT": "0", "PARTISAN_COOKIE": "from-the-environment",
            ])
        #expect(node.words[1] == name)
        let address = String(node.words[2])
        let flag = try await CookieCLITests.ping(address, ["--cookie", "from-the-flag"], environment: [:])
        #expect(flag.status == 0, "stderr: \(flag.stderr)")
        let environment = try await CookieCLITests.ping(
            address, ["--cookie", "from-the-environment"], environment: [:])
        #expect(environment.status == 2, "stderr: \(environment.stderr)")
    }

    @Test func test_config_check_prints_every_key_with_its_source_and_masks_the_cookie() async throws {
        try CLITests.requireBinary()
        let directory = try CookieCLITests.directory()
        let file = try CookieCLITests.file(
            "cluster.yaml", in: directory, contents: "name: check@127.0.0.1\nlisten:\n  port: 9555\n")
        // swift-configuration writes every lookup to CONFIG_ACCESS_LOG_FILE when it is set: the
        // cookie is marked secret there too.
        let accessLog = directory.appendingPathComponent("access.log").path
        let result = try await CLIProcess.run(
            ["config", "check", file],
            environment: [
                "PARTISAN_COOKIE": "never-print-me", "PARTISAN_MEMBERSHIP_SUSPECT_AFTER": "4s",
                "CONFIG_ACCESS_LOG_FILE": accessLog,
            ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let line = { (key: String) in
            lines.first { $0.hasPrefix(key + " ") }?.split(separator: " ", omittingEmptySubsequences: true).joined(
                separator: " ")
        }
        #expect(line("listen.port") == "listen.port = 9555 (file \(file))")
        #expect(line("cookie") == "cookie = <redacted> (environment PARTISAN_COOKIE)")
        #expect(
            line("membership.suspectAfter")
                == "membership.suspectAfter = 4s (environment PARTISAN_MEMBERSHIP_SUSPECT_AFTER)")
        #expect(line("overlay.kind") == "overlay.kind = fullmesh (default)")
        #expect(!result.stdout.contains("never-print-me") && !result.stderr.contains("never-print-me"))
        let logged = try String(contentsOfFile: accessLog, encoding: .utf8)
        #expect(logged.contains("cookie") && !logged.contains("never-print-me"), "\(logged)")
        let keys = try await CLIProcess.run(["config", "keys"])
        #expect(keys.status == 0)
        // Every key `config keys` lists is in the check's output.
        for key in keys.stdout.split(separator: "\n").dropFirst().compactMap({ $0.split(separator: "\t").first }) {
            #expect(line(String(key)) != nil, "\(key) missing from config check")
        }
        // Without a cookie, the check names the default file but does not create it.
        let home = try CookieCLITests.directory()
        let bare = try await CLIProcess.run(["config", "check", file], environment: ["HOME": home.path])
        let defaultFile = home.appendingPathComponent(".partisan.cookie").path
        #expect(bare.status == 0, "stderr: \(bare.stderr)")
        #expect(bare.stdout.contains("\(defaultFile)  (default)"), "\(bare.stdout)")
        #expect(!FileManager.default.fileExists(atPath: defaultFile))
    }

    @Test func test_an_unknown_key_or_variable_fails_with_78_naming_it() async throws {
        try CLITests.requireBinary()
        let directory = try CookieCLITests.directory()
        let file = try CookieCLITests.file(
            "typo.yaml", in: directory, contents: "name: typo@127.0.0.1\ncookie: c\nlisten:\n  prot: 9100\n")
        for command in [["config", "check", file], ["node", "--config", file]] {
            let result = try await CLIProcess.run(command)
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
            #expect(
                result.stderr.contains("\"listen.prot\" (did you mean listen.port?)"), "\(command): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let valid = try CookieCLITests.file("valid.yaml", in: directory, contents: "name: v@127.0.0.1\ncookie: c\n")
        let variable = try await CLIProcess.run(["config", "check", valid], environment: ["PARTISAN_LISTEN_PROT": "1"])
        #expect(variable.status == 78 && variable.stderr.contains("PARTISAN_LISTEN_PROT"), "\(variable.stderr)")
        let bad = try await CLIProcess.run(["node", "--config", valid], environment: ["PARTISAN_LISTEN_PORT": "http"])
        #expect(bad.status == 78, "\(bad.stderr)")
        #expect(bad.stderr.contains("listen.port") && bad.stderr.contains("PARTISAN_LISTEN_PORT"), "\(bad.stderr)")
        let prod = try await CLIProcess.run(["config", "check", valid, "--profile", "prod"])
        #expect(prod.status == 78 && prod.stderr.contains("profile prod"), "\(prod.stderr)")
    }
}
