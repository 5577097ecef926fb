import Foundation
import Synchronization

/// One `partisan` OS process started by a test, its stdout and stderr going to temporary files.
///
/// Files, not pipes: a test reads them whenever it likes, nothing blocks on a full pipe or
/// waits for an end of file, and a descriptor inherited by another child cannot keep
/// anything open. Tests always kill what they start (``kill()``).
///
/// Spawned with `posix_spawn`, not Foundation's `Process`: on Linux, `Process.run()` (Swift
/// 6.3.1) can crash reading `/proc/self/fd` (swift-corelibs-foundation #5472), and the test
/// process holds hundreds of sockets while CLI tests run beside the node tests.
final class CLIProcess: Sendable {
    /// Where the built `partisan` binary is: `PARTISAN_CLI`, or next to the test bundle in the
    /// build directory (`swift build` builds it; `swift test` alone may not). `nil` if missing.
    static let binary: URL? = {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["PARTISAN_CLI"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("partisan")
            if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    private let pid: pid_t
    private let arguments: [String]
    /// The exit status once the process is reaped.
    private let status = Mutex<Int32?>(nil)
    private let outURL: URL
    private let errURL: URL

    /// Starts `partisan arguments...`.
    init(_ arguments: [String]) throws {
        guard let binary = Self.binary else { throw CLIError.binaryMissing }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-cli-test-\(UUID())")
        outURL = base.appendingPathExtension("out")
        errURL = base.appendingPathExtension("err")
        self.arguments = arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Nothing else is inherited (glibc ≥ 2.34; Swift's Glibc module does not declare it).
        if let addCloseFrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(addCloseFrom, to: AddCloseFrom.self)(&actions, 3)
        }
        let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, binary.path, &actions, nil, argv, environ)
        guard result == 0 else { throw CLIError.spawnFailed(String(cString: strerror(result))) }
        self.pid = pid
    }

    deinit {
        kill()
        if status.withLock({ $0 == nil }) {
            var raw: Int32 = 0
            _ = waitpid(pid, &raw, 0)
        }
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }

    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }
    var isRunning: Bool { exitStatus == nil }

    /// The exit code, or the number of the signal that ended it; `nil` while it runs.
    private var exitStatus: Int32? {
        status.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid {
                    status = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : raw & 0x7F
                }
            }
            return status
        }
    }

    /// Sends `signal` (SIGKILL, SIGTERM, ...) if the process still runs.
    func signal(_ number: Int32) {
        if isRunning { Foundation.kill(pid, number) }
    }

    /// SIGKILL: what teardown does to every process a test started.
    func kill() { signal(SIGKILL) }

    /// Waits for the process to exit; returns its exit status.
    func waitForExit(timeout: Duration) async throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = exitStatus { return status }
            guard clock.now < deadline else {
                kill()
                throw CLIError.timedOut("partisan \(arguments)", stdout: stdout, stderr: stderr)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Runs `partisan arguments...` to completion: its exit status, stdout and stderr.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let process = try CLIProcess(arguments)
        defer { process.kill() }
        let status = try await process.waitForExit(timeout: timeout)
        return (status, process.stdout, process.stderr)
    }
}

enum CLIError: Error, CustomStringConvertible {
    case binaryMissing
    case spawnFailed(String)
    case timedOut(String, stdout: String, stderr: String)

    var description: String {
        switch self {
        case .binaryMissing: "the partisan binary is not built: run `swift build` first (or set PARTISAN_CLI)"
        case .spawnFailed(let why): "cannot start the partisan binary: \(why)"
        case .timedOut(let what, let stdout, let stderr): "\(what) did not exit; stdout: \(stdout) stderr: \(stderr)"
        }
    }
}
