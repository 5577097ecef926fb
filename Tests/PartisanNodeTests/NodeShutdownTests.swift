import Partisan
import PartisanTestSupport
import Synchronization
import Testing

private let shutdownSerial = Atomic<Int>(0)

/// A node named uniquely for this suite, with `change` applied to its configuration.
private func startShutdownNode(
    _ label: String, _ change: (inout PartisanNode.Configuration) -> Void = { _ in }
) async throws -> PartisanNode {
    let serial = shutdownSerial.wrappingAdd(1, ordering: .relaxed).oldValue
    var configuration = PartisanNode.Configuration(
        name: try Node(validating: "sd\(serial)\(label)@127.0.0.1"), cookie: "shutdown-test")
    change(&configuration)
    return try await PartisanNode.start(configuration)
}

@Suite struct NodeShutdownTests {
    @Test func shutdown_stops_top_level_trees_youngest_first_and_each_tree_children_in_reverse_order()
        async throws
    {
        let node = try await startShutdownNode("a")
        let log = TerminationLog()
        for tree in ["first", "second"] {
            _ = try await node.startSupervisor(
                children: ["x", "y"].map { child in
                    .genServer(id: child) { RecordingServer(id: "\(tree).\(child)", log: log) }
                })
        }
        _ = try await node.startGenServer(RecordingServer(id: "third", log: log))
        await node.shutdown()
        #expect(
            log.entries == [
                "third shutdown", "second.y shutdown", "second.x shutdown", "first.y shutdown", "first.x shutdown",
            ])
        #expect(node.phase == .stopped)
        #expect(node.processCount == 0)
    }

    @Test func kill_stops_at_once_and_runs_no_terminate() async throws {
        let node = try await startShutdownNode("k")
        let log = TerminationLog()
        _ = try await node.startSupervisor(children: [.genServer(id: "x") { RecordingServer(id: "x", log: log) }])
        await node.kill()
        #expect(log.entries.isEmpty)
        #expect(node.phase == .stopped)
        #expect(node.processCount == 0)
    }

    @Test func concurrent_shutdowns_share_one_and_each_terminate_runs_once() async throws {
        let node = try await startShutdownNode("c")
        let log = TerminationLog()
        _ = try await node.startSupervisor(children: [.genServer(id: "x") { RecordingServer(id: "x", log: log) }])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { await node.shutdown() } }
        }
        await node.shutdown()
        #expect(log.entries == ["x shutdown"])
        #expect(node.phase == .stopped)
    }

    @Test func kill_cuts_a_graceful_shutdown_short_and_both_callers_return() async throws {
        let node = try await startShutdownNode("x")
        let log = TerminationLog()
        let never = Gate()
        _ = try await node.startSupervisor(
            children: [
                .genServer(id: "stuck", shutdown: .infinity) { RecordingServer(id: "stuck", log: log, gate: never) }
            ])
        let graceful = Task { await node.shutdown() }
        try await eventually("the shutdown reached the stuck terminate") { never.arrivals == 1 }
        await node.kill()
        await graceful.value
        #expect(node.phase == .stopped)
        #expect(node.processCount == 0)
        #expect(log.entries.isEmpty)
    }

    @Test func a_tree_that_outlives_the_shutdown_deadline_is_killed() async throws {
        let node = try await startShutdownNode("d") { $0.lifecycle.shutdownTimeout = .milliseconds(300) }
        let log = TerminationLog()
        let never = Gate()
        _ = try await node.startSupervisor(
            children: [
                .genServer(id: "stuck", shutdown: .infinity) { RecordingServer(id: "stuck", log: log, gate: never) }
            ])
        let clock = ContinuousClock()
        let started = clock.now
        await node.shutdown()
        // The deadline cut the stuck `terminate` short; a generous bound for a loaded machine.
        #expect(clock.now - started < .seconds(15))
        #expect(log.entries.isEmpty)
        #expect(node.processCount == 0)
    }

    @Test func while_stopping_new_work_is_refused_and_peers_still_get_the_last_messages() async throws {
        let a = try await startShutdownNode("a")
        let b = try await startShutdownNode("b")
        defer { Task { await b.kill() } }
        try await a.join(b.listenAddress!)
        let log = TerminationLog()
        let gate = Gate()
        _ = try await a.startSupervisor(
            children: [.genServer(id: "slow") { RecordingServer(id: "slow", log: log, gate: gate) }])
        let stopping = Task { await a.shutdown() }
        try await eventually("the shutdown reached the slow terminate") { gate.arrivals == 1 }
        #expect(a.phase == .stopping)

        // New top-level work fails clearly; remote calls are refused with a reason.
        await #expect(throws: GenServerStartError.failed(.shutdown)) {
            _ = try await a.startGenServer(RecordingServer(id: "late", log: log))
        }
        let spawned = a.spawn { _ in log.append("late process ran") }
        try await eventually { !a.runtime.isAlive(spawned) }
        await #expect(throws: RPCError.shuttingDown) {
            _ = try await b.erpc.call(BuiltinFunctions.members, on: a.name, timeout: .seconds(10))
        }
        // No new peer gets in.
        let stranger = try await startShutdownNode("s")
        defer { Task { await stranger.kill() } }
        await #expect(throws: (any Error).self) { try await stranger.connect(to: a.listenAddress!) }

        // The session with b is still up: a last message from a process of a reaches b.
        let inbox = b.spawn { ctx in
            let text = try await ctx.receive(String.self)
            log.append("b got \(text)")
        }
        a.forwardMessage("goodbye", to: inbox)
        gate.open()
        await stopping.value
        try await eventually("b received the last message") { log.entries.contains("b got goodbye") }
        #expect(log.entries.contains("slow shutdown"))
        #expect(!log.entries.contains("late process ran"))
        try await eventually("b dropped a") { b.members() == [b.name] && !b.isConnected(a.name) }
    }

    /// A server whose `terminate` sends `payload` to `peer`: its last message.
    struct Farewell: GenServer {
        enum Call: Sendable { case ping }
        typealias Reply = Int
        let peer: Pid
        let payload: Term

        mutating func initialize(context: GenServerContext) async throws -> InitResult<Never> {
            context.process.trapExit = true
            return .ok()
        }

        mutating func handleCall(_ call: Call, from: CallerRef<Int>, context: GenServerContext) async throws
            -> CallResult<Int, Never>
        {
            .reply(0)
        }

        mutating func terminate(reason: ExitReason, context: GenServerContext) async {
            context.process.send(payload, to: peer)
        }
    }

    @Test func a_large_last_message_of_a_terminate_is_written_out_before_the_node_leaves() async throws {
        // Generous: a loaded machine may take seconds to move megabytes; the waits end early.
        let a = try await startShutdownNode("a") { $0.lifecycle.drainTimeout = .seconds(15) }
        let b = try await startShutdownNode("b")
        defer { Task { await b.kill() } }
        try await a.join(b.listenAddress!)
        let received = Mutex<Int?>(nil)
        let inbox = b.spawn { ctx in
            if case .binary(let bytes) = try await ctx.receive(Term.self) {
                received.withLock { $0 = bytes.count }
            }
        }
        // Several megabytes take many socket writes; the members drop a node as soon as it
        // leaves, so they must be out before the leave.
        let payload = Term.binary([UInt8](repeating: 7, count: 6 << 20))
        _ = try await a.startSupervisor(
            children: [.genServer(id: "farewell") { Farewell(peer: inbox, payload: payload) }])
        await a.shutdown()
        try await eventually("b received the whole last message") { received.withLock { $0 } == 6 << 20 }
    }
}
