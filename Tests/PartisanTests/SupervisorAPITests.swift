import Partisan
import PartisanTestSupport
import Testing

/// `startChild`, `terminateChild`, `restartChild`, `deleteChild`, `whichChildren`,
/// `countChildren`, `childSpec`, and calls to a child while it restarts.
@Suite struct SupervisorAPITests {
    let node: PartisanNode
    let journal = Journal()
    let events = EventLog()

    init() async throws {
        node = try await PartisanNode.start(name: "supapi@127.0.0.1")
    }

    @Test func start_child_appends_a_child_and_refuses_a_duplicate_id() async throws {
        let sup = try await node.startSupervisor(children: [.probe("a", journal)], name: "sup")
        let pid = try await sup.startChild(.probe("b", journal))
        #expect(pid != nil && pid == node.whereis("b"))
        #expect(try await sup.whichChildren().map(\.id) == ["a", "b"])
        await #expect(throws: SupervisorError.alreadyStarted(id: "b", pid: pid!)) {
            try await sup.startChild(.probe("b", journal))
        }
        // By name, as OTP's `supervisor:start_child(sup, Spec)`.
        try await node.supervisor(named: "sup").terminateChild("b")
        await #expect(throws: SupervisorError.alreadyPresent(id: "b")) {
            try await sup.startChild(.probe("b", journal))
        }
        try await sup.stop()
    }

    @Test func start_child_that_fails_is_not_kept() async throws {
        let sup = try await node.startSupervisor(children: [])
        await #expect(throws: SupervisorError.startFailed(id: "bad", reason: .crashed(ProcessCrash(ProbeFailure())))) {
            try await sup.startChild(.worker(id: "bad") { _ in throw ProbeFailure() })
        }
        #expect(try await sup.whichChildren().isEmpty)
        try await sup.stop()
    }

    @Test func terminate_restart_and_delete_a_child() async throws {
        let sup = try await node.startSupervisor(children: [.probe("a", journal), .probe("b", journal)])
        try await sup.terminateChild("a")
        #expect(journal.all.last == "stop a")
        #expect(try await sup.whichChildren().map(\.status).first == .notRunning)
        #expect(try await sup.countChildren() == ChildCounts(specs: 2, active: 1, supervisors: 0, workers: 2))
        try await sup.terminateChild("a")  // not running: nothing to do

        let restarted = try await sup.restartChild("a")
        #expect(restarted != nil && restarted == node.whereis("a"))
        await #expect(throws: SupervisorError.running(id: "a")) { try await sup.restartChild("a") }
        await #expect(throws: SupervisorError.running(id: "a")) { try await sup.deleteChild("a") }

        try await sup.terminateChild("a")
        try await sup.deleteChild("a")
        #expect(try await sup.whichChildren().map(\.id) == ["b"])
        await #expect(throws: SupervisorError.notFound) { try await sup.deleteChild("a") }
        await #expect(throws: SupervisorError.notFound) { try await sup.terminateChild("zz") }
        await #expect(throws: SupervisorError.notFound) { try await sup.restartChild("zz") }
        #expect(try await sup.childSpec("b").id == "b")
        try await sup.stop()
    }

    @Test func a_terminated_child_is_not_restarted() async throws {
        let sup = try await node.startSupervisor(children: [.probe("a", journal)], options: events.options)
        try await sup.terminateChild("a")
        #expect(try await sup.whichChildren().map(\.status) == [.notRunning])
        #expect(events.restarts(of: "a") == 0)
        #expect(events.all == [.childShutDown(id: "a", pid: events.shutDownPid!)])
        try await sup.stop()
    }

    @Test func count_children_counts_specs_running_supervisors_and_workers() async throws {
        let sup = try await node.startSupervisor(children: [
            .probe("a", journal), .supervisor(id: "sub", children: [.probe("b", journal)]),
            .worker(id: "idle") { _ in nil },
        ])
        #expect(try await sup.countChildren() == ChildCounts(specs: 3, active: 2, supervisors: 1, workers: 2))
        try await sup.stop()
    }

    @Test func a_call_to_a_server_that_is_restarting_is_answered_by_the_replacement() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("a", journal, gatedRestarts: true)], options: events.options)
        let old = try #require(node.whereis("a"))
        node.probe("a").cast(.crash)
        // The replacement is registered but held in its initialize until it gets `Proceed`.
        try await eventually { node.whereis("a").map { $0 != old } ?? false }
        let replacement = try #require(node.whereis("a"))
        await #expect(throws: GenServerError.timeout) {
            try await node.probe("a").call(.ping, timeout: .milliseconds(20))
        }
        async let answer = node.probe("a").call(.ping, timeout: .seconds(30))
        node.send(Probe.Proceed(), to: replacement)
        #expect(try await answer == "a")
        try await events.wait { _ in events.restarts(of: "a") == 1 }
        try await sup.stop()
    }

    @Test func a_call_to_a_crashed_server_before_its_restart_fails_with_noproc_or_exit() async throws {
        let sup = try await node.startSupervisor(children: [.probe("a", journal)], options: events.options)
        let old = try #require(node.whereis("a"))
        let byPid = GenServerRef<Probe>(pid: old, on: node.runtime)
        await #expect(throws: GenServerError.exit(.crashed(ProcessCrash(ProbeFailure())))) {
            try await byPid.call(.crash)
        }
        await #expect(throws: GenServerError.noproc) { try await byPid.call(.ping) }
        try await events.wait { _ in events.restarts(of: "a") == 1 }
        #expect(try await node.probe("a").call(.ping) == "a")
        try await sup.stop()
    }
}

extension EventLog {
    /// The pid of the first child the supervisor shut down.
    var shutDownPid: Pid? {
        all.lazy.compactMap { if case .childShutDown(_, let pid) = $0 { pid } else { nil } }.first
    }
}
