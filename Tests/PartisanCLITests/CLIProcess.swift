import Foundation

/// One `partisan` OS process started by a test, its stdout and stderr going to temporary files.
///
/// Files, not pipes: a test reads them whenever it likes, nothing blocks on a full pipe or
/// waits for an end of file, and a descriptor inherited by another child cannot keep
/// anything open. Tests always kill what they start (``kill()``).
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

    private let process: Process
    private let outURL: URL
    private let errURL: URL

    /// Starts `partisan arguments...`.
    init(_ arguments: [String]) throws {
        guard let binary = Self.binary else { throw CLIError.binaryMissing }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-cli-test-\(UUID())")
        outURL = base.appendingPathExtension("out")
        errURL = base.appendingPathExtension("err")
        for url in [outURL, errURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        self.process = process
        try process.run()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }

    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }
    /// The OS process id (to read `/proc/PID/status`).
    var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signal` (SIGKILL, SIGTERM, ...) if the process still runs.
    func signal(_ number: Int32) {
        if process.isRunning { Foundation.kill(process.processIdentifier, number) }
    }

    /// SIGKILL: what teardown does to every process a test started.
    func kill() { signal(SIGKILL) }

    /// Waits for the process to exit; returns its exit status.
    func waitForExit(timeout: Duration) async throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while process.isRunning {
            guard clock.now < deadline else {
                kill()
                throw CLIError.timedOut("partisan \(process.arguments ?? [])", stdout: stdout, stderr: stderr)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return process.terminationStatus
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
    case timedOut(String, stdout: String, stderr: String)

    var description: String {
        switch self {
        case .binaryMissing: "the partisan binary is not built: run `swift build` first (or set PARTISAN_CLI)"
        case .timedOut(let what, let stdout, let stderr): "\(what) did not exit; stdout: \(stdout) stderr: \(stderr)"
        }
    }
}
