import Foundation
import PartisanTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The lifecycle example (`Examples/partisan-lifecycle-example`) as a real OS process: a node
/// run by a ServiceGroup, with a supervised server whose `terminate` writes to a journal file.
@Suite struct LifecycleExampleTests {
    /// The built example, beside the `partisan` binary.
    static let binary: URL? = CLIProcess.binary.map {
        $0.deletingLastPathComponent().appendingPathComponent("partisan-lifecycle-example")
    }

    /// Starts the example as `name` writing to `journal`, and waits for its listening line;
    /// returns the process and the address it prints.
    static func start(_ name: String, journal: URL, join: String? = nil) async throws -> (CLIProcess, String) {
        let binary = try #require(
            Self.binary.flatMap { FileManager.default.isExecutableFile(atPath: $0.path) ? $0 : nil },
            "partisan-lifecycle-example is not built: run `swift build` first")
        var arguments = ["--name", name, "--journal", journal.path]
        if let join { arguments += ["--join", join] }
        let process = try CLIProcess(arguments, environment: ["PARTISAN_COOKIE": cookie], executable: binary)
        return (process, try await listening(process, name))
    }

    static let cookie = "lifecycle-test"

    /// Waits for `process`'s line `listening NAME HOST:PORT` and returns the address.
    static func listening(_ process: CLIProcess, _ name: String) async throws -> String {
        var address = ""
        try await eventually(timeout: .seconds(30), "\(name) prints its listening line") {
            let words = process.stdout.split(separator: "\n").first?.split(separator: " ") ?? []
            guard words.count == 3, words[0] == "listening", words[1] == name else {
                if !process.isRunning { throw CLIError.timedOut(name, stdout: process.stdout, stderr: process.stderr) }
                return false
            }
            address = String(words[2])
            return true
        }
        return address
    }

    static func journal() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("partisan-journal-\(UUID()).txt")
    }

    @Test func sigterm_runs_the_supervised_terminate_and_exits_zero() async throws {
        let journal = Self.journal()
        defer { try? FileManager.default.removeItem(at: journal) }
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (process, _) = try await Self.start("journal\(suffix)@127.0.0.1", journal: journal)
        defer { process.kill() }
        #expect(try String(contentsOf: journal, encoding: .utf8) == "started\n")
        process.signal(SIGTERM)
        #expect(try await process.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(process.stderr)")
        #expect(try String(contentsOf: journal, encoding: .utf8) == "started\nterminated shutdown\n")
    }

    @Test func sigkill_leaves_no_terminate_behind() async throws {
        let journal = Self.journal()
        defer { try? FileManager.default.removeItem(at: journal) }
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (process, _) = try await Self.start("killed\(suffix)@127.0.0.1", journal: journal)
        process.kill()
        _ = try await process.waitForExit(timeout: .seconds(30))
        // The check above has a control: without a graceful shutdown nothing is written.
        #expect(try String(contentsOf: journal, encoding: .utf8) == "started\n")
    }

    @Test func sigint_of_a_member_leaves_the_cluster_and_exits_zero() async throws {
        try #require(CLIProcess.binary != nil, "\(CLIError.binaryMissing)")
        let journal = Self.journal()
        defer { try? FileManager.default.removeItem(at: journal) }
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let seedName = "seed\(suffix)@127.0.0.1"
        let seed = try CLIProcess(
            [
                "node", "--name", seedName, "--listen", "127.0.0.1:0", "--cookie", Self.cookie, "--gossip-interval",
                "0.2",
            ])
        defer { seed.kill() }
        let address = try await Self.listening(seed, seedName)
        let (member, _) = try await Self.start("member\(suffix)@127.0.0.1", journal: journal, join: address)
        defer { member.kill() }
        let members = { try await CLIProcess.run(["members", "--node", address, "--cookie", Self.cookie]).stdout }
        try await eventually(timeout: .seconds(30), "the seed lists the member") {
            try await members().contains("member\(suffix)")
        }
        member.signal(SIGINT)
        #expect(try await member.waitForExit(timeout: .seconds(30)) == 0, "stderr: \(member.stderr)")
        #expect(try String(contentsOf: journal, encoding: .utf8) == "started\nterminated shutdown\n")
        try await eventually(timeout: .seconds(30), "the seed drops the member") {
            try await !members().contains("member\(suffix)")
        }
    }
}
