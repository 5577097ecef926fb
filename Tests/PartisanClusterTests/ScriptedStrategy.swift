import Partisan
import PartisanCluster
import PartisanTestSupport
import Synchronization

/// A user's own strategy, as the guide shows one: it answers what the test scripts (contacts,
/// or an error) and counts the rounds it was asked.
final class ScriptedStrategy: DiscoveryStrategy {
    enum Answer {
        case contacts([DiscoveredContact])
        case failure
    }

    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "the inventory service is unreachable" }
    }

    private let state: Mutex<(answer: Answer, rounds: Int)>

    init(_ answer: Answer) { state = Mutex((answer, 0)) }

    var name: String { "scripted" }

    /// How many times the runner asked.
    var rounds: Int { state.withLock { $0.rounds } }

    /// What it answers from the next round on.
    func answer(_ answer: Answer) { state.withLock { $0.answer = answer } }

    func discover() async throws -> [DiscoveredContact] {
        let answer = state.withLock { state in
            state.rounds += 1
            return state.answer
        }
        switch answer {
        case .contacts(let contacts): return contacts
        case .failure: throw Unreachable()
        }
    }

    /// Waits until the runner asked `count` more rounds than now.
    func waitForRounds(_ count: Int) async throws {
        let target = rounds + count
        try await eventually("\(count) more discovery rounds") { self.rounds >= target }
    }
}

/// Starts discovery tests' nodes: short failure detection, logs kept.
enum DiscoveryNodes {
    static let serial = Atomic<Int>(0)

    /// A fresh prefix for node names, so tests running side by side never share one.
    static func prefix(_ tag: String) -> String {
        "\(tag)\(serial.wrappingAdd(1, ordering: .relaxed).oldValue)"
    }

    static let timings = MembershipConfiguration(
        gossipInterval: .milliseconds(200), suspectAfter: .seconds(1), reconnectInitialBackoff: .milliseconds(50),
        reconnectMaxBackoff: .milliseconds(400))

    /// Short polls and backoff, so the tests run quickly.
    static func discovery(_ recorder: LogRecorder? = nil) -> ClusterDiscovery.Configuration {
        ClusterDiscovery.Configuration(
            pollInterval: .milliseconds(100), initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(400),
            logger: recorder?.logger(level: .debug))
    }

    static func start(_ name: String, host: String = "127.0.0.1", port: Int = 0) async throws -> PartisanNode {
        try await startNode(Node(validating: name), cookie: "discovery") {
            $0.listenHost = host
            $0.listenPort = port
            $0.membership = timings
        }
    }
}

/// Wraps a built-in strategy and counts its rounds, so a test can wait for rounds to pass.
final class CountedStrategy: DiscoveryStrategy {
    let inner: any DiscoveryStrategy
    private let counts = Mutex((succeeded: 0, failed: 0))

    init(_ inner: any DiscoveryStrategy) { self.inner = inner }

    var name: String { inner.name }
    var succeeded: Int { counts.withLock { $0.succeeded } }
    var failed: Int { counts.withLock { $0.failed } }

    func discover() async throws -> [DiscoveredContact] {
        do {
            let contacts = try await inner.discover()
            counts.withLock { $0.succeeded += 1 }
            return contacts
        } catch {
            counts.withLock { $0.failed += 1 }
            throw error
        }
    }

    /// Waits until `count` more rounds than now answered.
    func waitForSuccesses(_ count: Int) async throws {
        let target = succeeded + count
        try await eventually("\(count) more answered rounds") { self.succeeded >= target }
    }

    /// Waits until `count` more rounds than now failed.
    func waitForFailures(_ count: Int) async throws {
        let target = failed + count
        try await eventually("\(count) more failed rounds") { self.failed >= target }
    }
}
