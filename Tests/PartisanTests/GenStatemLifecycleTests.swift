import Partisan
import PartisanTestSupport
import Testing

/// A machine whose `initialize` does what it is told.
struct Starting: GenStatem {
    enum Outcome: Sendable { case ok, ignore, stop, crash }
    typealias State = Int
    typealias Data = Void
    let outcome: Outcome

    func initialize(context: GenStatemContext) async throws -> Initialization {
        switch outcome {
        case .ok: return .ok(0, ())
        case .ignore: return .ignore
        case .stop: return .stop(.shutdown)
        case .crash: throw ScriptFailure()
        }
    }

    func handleEvent(_ event: Event, state: Int, data: inout Void, context: GenStatemContext) async throws
        -> Transition
    {
        .keepState()
    }
}

/// Starting and stopping, as for ``GenServer``: start results, names, crashes, `terminate`,
/// links and the parent's exit.
@Suite struct GenStatemLifecycleTests {
    let node: PartisanNode

    init() async throws {
        node = try await PartisanNode.start(name: "statem-lifecycle@127.0.0.1")
    }

    @Test func initialize_decides_how_start_ends() async throws {
        let started = try await node.startGenStatem(Starting(outcome: .ok))
        try await started.stop()
        await #expect(throws: GenServerStartError.ignored) { try await node.startGenStatem(Starting(outcome: .ignore)) }
        await #expect(throws: GenServerStartError.failed(.shutdown)) {
            try await node.startGenStatem(Starting(outcome: .stop))
        }
        await #expect(throws: GenServerStartError.failed(.crashed(ProcessCrash(ScriptFailure())))) {
            try await node.startGenStatem(Starting(outcome: .crash))
        }
    }

    @Test func a_registered_name_is_unique_and_reachable() async throws {
        let first = try await node.startGenStatem(Plain(), name: "door")
        let holder = try #require(first.pid)
        await #expect(throws: GenServerStartError.alreadyStarted(holder)) {
            try await node.startGenStatem(Plain(), name: "door")
        }
        let byName = node.genStatem(Plain.self, named: "door")
        byName.cast(Script("hello"))
        #expect(try await byName.call(.log) == ["hello@a"])
        try await byName.stop()
        await #expect(throws: GenServerError.noproc) { try await byName.call(.log) }
    }

    @Test func stop_runs_terminate_with_the_reason() async throws {
        try await node.withProcess { me in
            let machine = try await me.startGenStatem(Plain(observer: me.pid))
            machine.cast(Script("go", [.go(.b)]))
            try await machine.stop(.shutdown)
            let terminated = try await me.receive(Terminated.self)
            #expect(terminated.reason == .shutdown)
            #expect(terminated.state == .b)
            #expect(terminated.log == ["go@a"])
        }
    }

    @Test func a_crash_runs_terminate_and_the_caller_gets_the_exit() async throws {
        try await node.withProcess { me in
            let machine = try await me.startGenStatem(Plain(observer: me.pid))
            let crash = ExitReason.crashed(ProcessCrash(ScriptFailure()))
            await #expect(throws: GenServerError.exit(crash)) {
                try await machine.call(.run(Script("boom", [.crash])))
            }
            #expect(try await me.receive(Terminated.self).reason == crash)
        }
    }

    @Test func a_linked_machine_that_crashes_kills_its_parent() async throws {
        try await node.withProcess(.trapExit) { me in
            let machine = try await me.startGenStatem(Plain(), linkage: .linked)
            let pid = try #require(machine.pid)
            machine.cast(Script("boom", [.crash]))
            let exit = try await me.receive(ExitMessage.self) { $0.from == pid }
            #expect(exit.reason == .crashed(ProcessCrash(ScriptFailure())))
        }
    }

    @Test func a_machine_trapping_exits_stops_with_terminate_when_its_parent_exits() async throws {
        try await node.withProcess { me in
            let observer = me.pid
            let parent = me.spawn { parent in
                let machine = try await parent.startGenStatem(
                    Plain(observer: observer), linkage: .linked, options: .trapExit)
                parent.send(machine, to: observer)
                try parent.exit(.shutdown)
            }
            let machine = try await me.receive(GenStatemRef<Plain>.self)
            let terminated = try await me.receive(Terminated.self)
            #expect(terminated.reason == .shutdown)
            _ = parent
            try await eventually { machine.pid.map(node.runtime.isAlive) != true }
        }
    }

    @Test func calls_to_a_machine_that_is_not_running_fail_with_noproc() async throws {
        let machine = try await node.startGenStatem(Plain())
        try await machine.stop()
        await #expect(throws: GenServerError.noproc) { try await machine.call(.log) }
        machine.cast(Script("dropped"))  // never fails
    }
}
