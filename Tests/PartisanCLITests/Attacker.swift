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
    static let secondLoopback: String? = canBind("127.0.0.2") ? "127.0.0.2" : nil

    /// The loopback addresses 127.0.0.2 to 127.0.0.(1 + `count`), for attacks from several
    /// addresses; `nil` where one of them cannot be bound.
    static func loopbacks(_ count: Int) -> [String]? {
        let addresses = (2..<2 + count).map { "127.0.0.\($0)" }
        return addresses.allSatisfy(canBind) ? addresses : nil
    }

    /// Whether a TCP socket can be bound to `address` (port 0).
    private static func canBind(_ address: String) -> Bool {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else { return false }
        return withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The script runs under `python3` from the path (spawned as `CLIProcess` spawns the
    /// `partisan` binary, not with Foundation's `Process`).
    private static let env = URL(fileURLWithPath: "/usr/bin/env")

    private let process: CLIProcess
    private let deadline: Duration
    private let scenario: String

    /// Starts `scenario` with its `arguments`; `source` is the address its connections come
    /// from. The script ends itself after `deadline`.
    init(_ scenario: String, _ arguments: [String], source: String? = nil, deadline: Duration) throws {
        self.deadline = deadline
        self.scenario = scenario
        process = try CLIProcess(
            ["python3", Self.script.path, "--deadline", "\(deadline.components.seconds)"]
                + (source.map { ["--source", $0] } ?? []) + [scenario] + arguments,
            executable: Self.env)
    }

    deinit { process.kill() }

    var isRunning: Bool { process.isRunning }

    /// Waits for the scenario to end and decodes its report.
    func report() async throws -> AttackReport {
        let status: Int32
        do {
            status = try await process.waitForExit(timeout: deadline + .seconds(10))
        } catch {
            throw AttackerError.noReport(scenario, stderr: process.stderr)
        }
        guard status == 0, let line = process.stdout.split(separator: "\n").last else {
            throw AttackerError.noReport(scenario, stderr: process.stderr)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(AttackReport.self, from: Data(line.utf8))
    }
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
