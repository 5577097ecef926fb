import Foundation

/// The hostile peer `Tests/Hostile/attacker.py` run as an OS process: one scenario per run,
/// which ends by itself within its deadline and prints one JSON line, its ``AttackReport``.
///
/// Like ``CLIProcess``, its output goes to temporary files, and teardown kills it.
final class Attacker: Sendable {
    /// The script, found from this file's place in the repository.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Hostile/attacker.py")

    /// A second loopback address the attacks come from, so that the cap on handshakes per
    /// address never blocks the `partisan ping` and `rpc` clients (which dial from 127.0.0.1);
    /// `nil` where it cannot be bound (Linux routes all of 127.0.0.0/8 to the loopback
    /// interface; macOS only 127.0.0.1 unless an alias is added).
    static let secondLoopback: String? = {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", script.path, "--source", "127.0.0.2", "bind-check"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return nil }
        check.waitUntilExit()
        return check.terminationStatus == 0 ? "127.0.0.2" : nil
    }()

    private let process: Process
    private let outURL: URL
    private let errURL: URL
    private let deadline: Duration
    private let scenario: String

    /// Starts `scenario` with its `arguments`; `source` is the address its connections come
    /// from. The script ends itself after `deadline`.
    init(_ scenario: String, _ arguments: [String], source: String? = nil, deadline: Duration) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-attacker-\(UUID())")
        outURL = base.appendingPathExtension("out")
        errURL = base.appendingPathExtension("err")
        for url in [outURL, errURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        self.deadline = deadline
        self.scenario = scenario
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", Self.script.path, "--deadline", "\(deadline.components.seconds)"]
            + (source.map { ["--source", $0] } ?? []) + [scenario] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        self.process = process
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }

    var isRunning: Bool { process.isRunning }

    /// Waits for the scenario to end and decodes its report.
    func report() async throws -> AttackReport {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline + .seconds(10))
        while process.isRunning {
            guard clock.now < end else {
                kill(process.processIdentifier, SIGKILL)
                throw AttackerError.noReport(scenario, stderr: stderr)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0, let line = stdout.split(separator: "\n").last else {
            throw AttackerError.noReport(scenario, stderr: stderr)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(AttackReport.self, from: Data(line.utf8))
    }

    private var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }
}

enum AttackerError: Error, CustomStringConvertible {
    case noReport(String, stderr: String)

    var description: String {
        switch self {
        case .noReport(let scenario, let stderr): "attacker.py \(scenario) printed no report; stderr: \(stderr)"
        }
    }
}

/// What one attack scenario received, as `attacker.py` prints it: frame tags only (`hello`,
/// `proof`, `refused:timeout`...), never a frame's contents.
struct AttackReport: Decodable, Sendable {
    /// One connection: the tags of the frames the node sent on it, whether and when (ms after
    /// it opened) the node closed it.
    struct Connection: Decodable, Sendable {
        let tags: [String]
        let closed: Bool
        let closeMs: Int?
        /// `attacker.py`'s guess for raw garbage: the node has all it needs to refuse it at once
        /// (otherwise it waits for the rest until its handshake timeout).
        let expectQuick: Bool?
    }

    /// Many connections of one kind.
    struct Connections: Decodable, Sendable {
        let count: Int
        let closed: Int
        let maxCloseMs: Int?
        let connectErrors: Int
        let tags: [String: Int]
    }

    let scenario: String
    /// Frames computed from the cookie (`proof`, version 1's `challenge_reply`) that the
    /// attacker received where it must get none.
    let computed: Int
    /// `established` frames the attacker received where it must get none.
    let established: Int
    var cases: [String: Connection]?
    /// How many per-loop listeners the node announced (each attacked too).
    var lanes: Int?
    var variants: [String: [String: Connection]]?
    var controlFramesSent: Int?
    var diallerProofsCollected: Int?
    var legit: Connection?
    var legitAcceptorProofValid: Bool?
    var replays: [String: Connection]?
    var unfinished: Connections?
    var prefixes: Connections?
    var opened: Int?
    var closedByNode: Int?
    var connectErrors: Int?
    var tags: [String: Int]?
    var count: Int?
    var busy: Int?
    var waitingUntouched: Int?
    var afterClose: Connection?

    /// The connection `name` of ``cases``; fails the test if the scenario did not report it.
    func `case`(_ name: String) throws -> Connection {
        guard let connection = cases?[name] else {
            throw AttackerError.noReport("\(scenario) case \(name)", stderr: "")
        }
        return connection
    }
}
