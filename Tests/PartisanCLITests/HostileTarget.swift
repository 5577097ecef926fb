import Foundation
import PartisanTestSupport
import Testing

/// What an attack of ``HostileInputTests`` aims at: two `partisan node` OS processes sharing a
/// secret cookie, B joined to A, and the checks that they come out of an attack unharmed.
final class HostileTarget: Sendable {
    typealias Node = (name: String, address: String, process: CLIProcess)

    /// How long a node may take to answer `partisan ping` (its `--timeout`, which bounds the
    /// connection, the handshake and the answer), during an attack and after it.
    static let responsive: Duration = .seconds(2)
    /// How much a node's resident memory may grow at its peak (VmHWM) over its size before the
    /// attack: far below what the old attacks cost (1.26 GB for 20 unfinished 60 MiB frames),
    /// far above what a node needs.
    static let memoryGrowth = 200 << 20
    /// How much its virtual memory (VmSize) may grow: 500 bare prefixes used to reserve 66 GB;
    /// the bound leaves room for malloc's arenas (64 MiB each, up to 8 per core).
    static let virtualGrowth = 8 << 30
    /// Descriptors a node may hold beyond its count before the attack, once the attack is over
    /// (connections of the ping and rpc clients still closing).
    static let descriptorSlack = 16
    /// The processes every node registers: an exit signal that reached one would leave its
    /// name unregistered (nothing restarts them).
    static let builtIns = ["partisan_info", "partisan_rpc"]

    let cluster: CLITests.Cluster
    let cookie: String
    let a: Node
    let b: Node
    /// Each node's memory and descriptors before the attack (`nil` without `/proc`).
    let before: [String: ProcessStatus]
    /// Each node's ``builtIns`` before the attack, as `partisan.whereis` prints their pids.
    let registered: [String: [String?]]

    private init(
        cluster: CLITests.Cluster, cookie: String, a: Node, b: Node, before: [String: ProcessStatus],
        registered: [String: [String?]]
    ) {
        self.cluster = cluster
        self.cookie = cookie
        self.a = a
        self.b = b
        self.before = before
        self.registered = registered
    }

    /// Starts A and B (with `options` added to `partisan node`'s), waits until each lists both,
    /// and takes their measures.
    static func start(options: [String] = []) async throws -> HostileTarget {
        let cluster = CLITests.Cluster()
        let cookie = "hostile-\(UUID().uuidString)"
        let a = try await cluster.start("a", cookie: cookie, extra: options)
        let b = try await cluster.start("b", join: [a.address], cookie: cookie, extra: options)
        let both = [a.name, b.name].sorted()
        for node in [a, b] {
            try await eventually(timeout: .seconds(30), "\(node.name) lists both nodes") {
                try await CLITests.members(at: node.address, cookie: cookie) == both
            }
        }
        var before: [String: ProcessStatus] = [:]
        var registered: [String: [String?]] = [:]
        for node in [a, b] {
            before[node.name] = ProcessStatus.read(node.process.processIdentifier)
            registered[node.name] = try await whereis(builtIns, on: node.address, cookie: cookie)
        }
        return HostileTarget(cluster: cluster, cookie: cookie, a: a, b: b, before: before, registered: registered)
    }

    /// Stops every node the test started.
    func stop() { cluster.killAll() }

    /// One `partisan ping`.
    struct Ping: Sendable, CustomStringConvertible {
        let node: String
        let pong: Bool
        let elapsed: Duration
        let stderr: String

        var description: String { "ping \(node): \(pong ? "pong" : "pang \(stderr)") after \(elapsed)" }
    }

    /// `partisan ping` of the node at `address`, answered within ``responsive``.
    func ping(_ node: Node) async throws -> Ping {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await CLIProcess.run(
            ["ping", "--node", node.address, "--cookie", cookie, "--timeout", "\(Self.responsive.components.seconds)"])
        return Ping(
            node: node.name, pong: result.status == 0 && result.stdout == "pong\n", elapsed: clock.now - start,
            stderr: result.stderr)
    }

    /// `partisan rpc NAME ARGUMENTS` on `node`.
    func rpc(_ node: Node, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await CLIProcess.run(
            ["rpc", "--node", node.address, "--cookie", cookie, "--timeout", "\(Self.responsive.components.seconds)"]
                + arguments)
    }

    /// Pings each of `nodes` in turn while `attacker` runs (each at least once), at most
    /// `limit` pings.
    func pingDuring(_ attacker: Attacker, _ nodes: [Node], limit: Int = 100) async throws -> [Ping] {
        var pings: [Ping] = []
        repeat {
            for node in nodes { pings.append(try await ping(node)) }
        } while attacker.isRunning && pings.count < limit
        return pings
    }

    /// The pid strings `partisan.whereis` prints for `names` (`nil` where the call failed).
    static func whereis(_ names: [String], on address: String, cookie: String) async throws -> [String?] {
        var pids: [String?] = []
        for name in names {
            let result = try await CLIProcess.run(
                ["rpc", "--node", address, "--cookie", cookie, "partisan.whereis", "\"\(name)\""])
            pids.append(result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil)
        }
        return pids
    }

    /// Both nodes answer `ping`, list both of them (again within a few seconds, should a
    /// heartbeat have been late), answer `rpc`, still have their built-in processes, and
    /// stayed within the memory bounds; their descriptors come back to their count before
    /// the attack.
    func expectUnharmed(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let both = [a.name, b.name].sorted()
        for node in [a, b] {
            let ping = try await ping(node)
            #expect(ping.pong, "\(ping)", sourceLocation: sourceLocation)
            try await eventually(timeout: .seconds(10), "\(node.name) lists both nodes after the attack") {
                try await CLITests.members(at: node.address, cookie: cookie) == both
            }
            let rpc = try await rpc(node, ["partisan.members"])
            #expect(rpc.status == 0, "rpc on \(node.name): \(rpc.stderr)", sourceLocation: sourceLocation)
            let pids = try await Self.whereis(Self.builtIns, on: node.address, cookie: cookie)
            #expect(pids == registered[node.name], "\(node.name)'s built-in processes", sourceLocation: sourceLocation)
            #expect(node.process.isRunning, "\(node.name) still runs", sourceLocation: sourceLocation)
            expectBoundedMemory(node, sourceLocation: sourceLocation)
            if let start = before[node.name] {
                try await eventually(timeout: .seconds(15), "\(node.name) closes the attack's descriptors") {
                    (ProcessStatus.read(node.process.processIdentifier)?.descriptors ?? .max)
                        <= start.descriptors + Self.descriptorSlack
                }
            }
        }
    }

    /// The node's peak resident and its virtual memory grew by less than ``memoryGrowth`` and
    /// ``virtualGrowth`` since the attack began.
    func expectBoundedMemory(_ node: Node, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let start = before[node.name], let now = ProcessStatus.read(node.process.processIdentifier) else {
            return  // no /proc: nothing to measure
        }
        #expect(
            now.peakResidentBytes - start.residentBytes < Self.memoryGrowth,
            "\(node.name): peak resident \(now.peakResidentBytes >> 20) MiB, \(start.residentBytes >> 20) MiB before",
            sourceLocation: sourceLocation)
        #expect(
            now.virtualBytes - start.virtualBytes < Self.virtualGrowth,
            "\(node.name): virtual \(now.virtualBytes >> 20) MiB, \(start.virtualBytes >> 20) MiB before",
            sourceLocation: sourceLocation)
    }
}

/// A process's memory and descriptors, from `/proc/PID/status` and `/proc/PID/fd` (Linux).
struct ProcessStatus: Sendable {
    /// VmRSS.
    let residentBytes: Int
    /// VmHWM: the peak of VmRSS since the process started.
    let peakResidentBytes: Int
    /// VmSize.
    let virtualBytes: Int
    /// Open file descriptors.
    let descriptors: Int

    /// The status of process `pid`; `nil` without `/proc` or once it is gone.
    static func read(_ pid: Int32) -> ProcessStatus? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
        else { return nil }
        var kibibytes: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            if fields.count >= 2, let value = Int(fields[1]) { kibibytes[String(fields[0])] = value }
        }
        guard let rss = kibibytes["VmRSS"], let hwm = kibibytes["VmHWM"], let size = kibibytes["VmSize"] else {
            return nil
        }
        return ProcessStatus(
            residentBytes: rss << 10, peakResidentBytes: hwm << 10, virtualBytes: size << 10, descriptors: descriptors)
    }
}
