import Partisan
import PartisanTestSupport
import Testing

/// Dynamic supervisors: OTP's `simple_one_for_one`, Elixir's `DynamicSupervisor`.
@Suite struct SupervisorDynamicTests {
    let node: PartisanNode
    let journal = Journal()
    let events = EventLog()

    init() async throws {
        node = try await PartisanNode.start(name: "supdyn@127.0.0.1")
    }

    private func template(restart: RestartType = .permanent) -> DynamicChildSpec<String> {
        let journal = self.journal
        return .genServer(id: "worker", restart: restart) { name in Probe(id: name, journal: journal) }
    }

    @Test func start_child_passes_its_arguments_and_a_restart_reuses_them() async throws {
        let sup = try await node.startDynamicSupervisor(
            template(), intensity: 5, period: .seconds(60), options: events.options)
        #expect(try await sup.whichChildren().isEmpty)
        let x = try #require(try await sup.startChild("x"))
        let y = try #require(try await sup.startChild("y"))
        #expect(try await GenServerRef<Probe>(pid: x, on: node.runtime).call(.ping) == "x")
        #expect(try await sup.countChildren() == ChildCounts(specs: 2, active: 2, supervisors: 0, workers: 2))

        GenServerRef<Probe>(pid: x, on: node.runtime).cast(.crash)
        try await events.wait { _ in events.restarts(of: "worker") == 1 }
        let pids = try await sup.whichChildren().compactMap(\.pid)
        #expect(pids.count == 2 && pids.contains(y) && !pids.contains(x))
        let replacement = try #require(pids.first { $0 != y })
        #expect(try await GenServerRef<Probe>(pid: replacement, on: node.runtime).call(.ping) == "x")
        try await sup.stop()
    }

    @Test func terminate_child_by_pid_forgets_it() async throws {
        let sup = try await node.startDynamicSupervisor(template(), options: events.options)
        let x = try #require(try await sup.startChild("x"))
        try await sup.terminateChild(x)
        #expect(!node.runtime.isAlive(x))
        #expect(try await sup.whichChildren().isEmpty)
        await #expect(throws: SupervisorError.notFound) { try await sup.terminateChild(x) }
        try await sup.stop()
    }

    @Test func transient_children_exiting_normal_are_forgotten() async throws {
        let sup = try await node.startDynamicSupervisor(template(restart: .transient), options: events.options)
        let x = try #require(try await sup.startChild("x"))
        _ = try await GenServerRef<Probe>(pid: x, on: node.runtime).call(.stop(.normal))
        try await events.wait { _ in events.exits(of: "worker") == [.normal] }
        #expect(try await sup.whichChildren().isEmpty)
        try await sup.stop()
    }

    @Test func all_children_stop_when_the_supervisor_stops() async throws {
        let sup = try await node.startDynamicSupervisor(template(), options: events.options)
        var pids: [Pid] = []
        for name in ["a", "b", "c", "d"] { pids.append(try #require(try await sup.startChild(name))) }
        try await sup.stop()
        #expect(pids.allSatisfy { !node.runtime.isAlive($0) })
        #expect(Set(journal.all.filter { $0.hasPrefix("stop") }) == ["stop a", "stop b", "stop c", "stop d"])
        #expect(events.all.filter { if case .childShutDown = $0 { true } else { false } }.count == 4)
    }

    @Test func a_reference_by_name_with_the_wrong_argument_type_is_refused() async throws {
        let sup = try await node.startDynamicSupervisor(template(), name: "pool")
        let wrong = DynamicSupervisorRef<Int>(name: "pool", on: node.runtime)
        await #expect(throws: SupervisorError.badArguments("Int")) { try await wrong.startChild(1) }
        try await sup.stop()
    }
}
