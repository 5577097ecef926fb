import Foundation
import Synchronization

/// One `partisan` OS process started by a test, its output collected as it arrives.
///
/// Tests read the output through pipes with Dispatch's readability handlers, never with a
/// blocking read on the cooperative pool, and always kill what they start (``kill()``).
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
    private let out = Mutex("")
    private let err = Mutex("")
    /// How many of the two pipes reached end of file.
    private let closedPipes = Atomic(0)

    /// Starts `partisan arguments...`.
    init(_ arguments: [String]) throws {
        guard let binary = Self.binary else { throw CLIError.binaryMissing }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        self.process = process
        for (pipe, isStdout) in [(stdout, true), (stderr, false)] {
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self else { return }
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    closedPipes.add(1, ordering: .sequentiallyConsistent)
                } else {
                    let text = String(decoding: data, as: UTF8.self)
                    if isStdout { out.withLock { $0 += text } } else { err.withLock { $0 += text } }
                }
            }
        }
        try process.run()
    }

    var stdout: String { out.withLock { $0 } }
    var stderr: String { err.withLock { $0 } }
    var isRunning: Bool { process.isRunning }
    var pid: Int32 { process.processIdentifier }
    var exitStatus: Int32 { process.terminationStatus }

    /// Sends `signal` (SIGKILL, SIGTERM, ...) if the process still runs.
    func signal(_ number: Int32) {
        if process.isRunning { Foundation.kill(process.processIdentifier, number) }
    }

    /// SIGKILL: what teardown does to every process a test started.
    func kill() { signal(SIGKILL) }

    /// Waits for the process to exit and its output to be read to the end.
    func waitForExit(timeout: Duration) async throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while process.isRunning || closedPipes.load(ordering: .sequentiallyConsistent) < 2 {
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
