import Logging
import Partisan
import PartisanCluster
import PartisanTestSupport
import ServiceLifecycle
import Synchronization
import Testing

private let guideSerial = Atomic<Int>(0)

/// The examples of `Guides/Cluster.md`'s "Lifecycle" and "Membership events" sections, kept
/// compiling and passing (node names made unique per run, output recorded instead of printed).
@Suite struct LifecycleGuideTests {
    struct Journal: GenServer {
        enum Call: Sendable { case write(String) }
        typealias Reply = Int
        var lines = 0
        let log: TerminationLog

        mutating func initialize(context: GenServerContext) async throws -> InitResult<Never> {
            context.process.trapExit = true  // the supervisor's `shutdown` then runs terminate
            return .ok()
        }
        mutating func handleCall(_ call: Call, from: CallerRef<Int>, context: GenServerContext) async throws
            -> CallResult<Int, Never>
        {
            lines += 1
            return .reply(lines)
        }
        mutating func terminate(reason: ExitReason, context: GenServerContext) async {
            log.append("journal closed: \(reason)")
        }
    }

    static func name(_ label: String) throws -> Node {
        try Node(validating: "guide\(guideSerial.wrappingAdd(1, ordering: .relaxed).oldValue)\(label)@127.0.0.1")
    }

    @Test func the_lifecycle_example_runs() async throws {
        let log = TerminationLog()
        var configuration = PartisanNode.Configuration(name: try Self.name("app"), cookie: "secret")
        configuration.lifecycle.shutdownTimeout = .seconds(10)
        let node = try await PartisanNode.start(configuration)
        _ = try await node.startSupervisor(
            children: [.genServer(id: "journal", shutdown: .timeout(.seconds(5))) { Journal(log: log) }])
        await node.shutdown()
        #expect(log.entries == ["journal closed: shutdown"])
    }

    @Test func the_service_example_runs() async throws {
        let node = try await PartisanNode.start(
            PartisanNode.Configuration(name: try Self.name("svc"), cookie: "secret"))
        let group = ServiceGroup(
            services: [PartisanNodeService(node: node)], gracefulShutdownSignals: [.sigterm, .sigint],
            logger: Logger(label: "app"))
        let running = Task { try await group.run() }
        await group.triggerGracefulShutdown()  // what SIGTERM does
        try await running.value
        #expect(node.phase == .stopped)
    }

    @Test func the_membership_events_example_runs() async throws {
        let node = try await PartisanNode.start(name: try Self.name("app"), cookie: "secret")
        let peer = try await PartisanNode.start(name: try Self.name("peer"), cookie: "secret")
        let seed = peer.listenAddress!
        let events = node.membershipEvents()
        #expect(node.membershipSnapshot() == [Member(node: node.name, state: .local)])
        try await node.join(seed)
        var seen: [String] = []
        for await event in events {
            switch event {
            case .joined(let peer): seen.append("\(peer) joined")
            case .up(let peer): seen.append("\(peer) up")
            case .down(let peer, let reason): seen.append("\(peer) down: \(reason)")
            case .left(let peer): seen.append("\(peer) left")
            case .overflow(let dropped): seen.append("missed \(dropped) events: \(node.membershipSnapshot())")
            }
            if seen.count == 2 { break }
        }
        #expect(Set(seen) == ["\(peer.name) joined", "\(peer.name) up"])
        await peer.kill()
        await node.kill()
    }
}
