import Partisan
import PartisanTestSupport
import Testing

/// Stopping children and trees: order, shutdown kinds, children misbehaving while stopped,
/// parents going away.
@Suite struct SupervisorShutdownTests {
    let node: PartisanNode
    let journal = Journal()
    let events = EventLog()

    init() async throws {
        node = try await PartisanNode.start(name: "supstop@127.0.0.1")
    }

    @Test func children_stop_in_reverse_start_order() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("a", journal), .probe("b", journal), .probe("c", journal)])
        journal.clear()
        try await sup.stop()
        #expect(journal.all == ["stop c", "stop b", "stop a"])
    }

    @Test func a_tree_shuts_down_deepest_and_youngest_first() async throws {
        let inner = ChildSpec.supervisor(id: "inner", children: [.probe("c", journal), .probe("d", journal)])
        let middle = ChildSpec.supervisor(id: "middle", children: [.probe("b", journal), inner])
        let top = try await node.startSupervisor(children: [.probe("a", journal), middle, .probe("e", journal)])
        #expect(journal.all == ["start a", "start b", "start c", "start d", "start e"])
        journal.clear()
        try await top.stop(.shutdown)
        #expect(journal.all == ["stop e", "stop d", "stop c", "stop b", "stop a"])
        #expect(node.processCount == 0)
    }

    @Test func a_failing_child_supervisor_makes_the_parent_start_fail() async throws {
        let inner = ChildSpec.supervisor(
            id: "inner", children: [.probe("b", journal), .worker(id: "bad") { _ in throw ProbeFailure() }])
        await #expect {
            try await node.startSupervisor(children: [.probe("a", journal), inner])
        } throws: { error in
            guard case .childFailed("inner", .shutdownWith) = error as? SupervisorStartError else { return false }
            return true
        }
        #expect(journal.all == ["start a", "start b", "stop b", "stop a"])
    }

    @Test func a_supervisor_that_reaches_its_intensity_exits_shutdown_and_its_parent_sees_it() async throws {
        let inner = ChildSpec.supervisor(
            id: "inner", flags: SupervisorFlags(intensity: 0), children: [.probe("b", journal)])
        let top = try await node.startSupervisor(
            SupervisorFlags(intensity: 5, period: .seconds(60)), children: [inner], options: events.options)
        let innerPid = try #require(try await top.whichChildren().first?.pid)
        node.probe("b").cast(.crash)
        try await events.wait { _ in events.restarts(of: "inner") == 1 }
        #expect(events.exits(of: "inner") == [.shutdown])
        #expect(try await top.whichChildren().first?.pid != innerPid)
        #expect(try await node.probe("b").call(.ping) == "b")
        try await top.stop()
    }

    @Test func a_supervisor_stops_its_children_when_its_parent_exits() async throws {
        let supPid = try await node.withProcess { parent in
            let children: [ChildSpec] = [.probe("a", journal), .probe("b", journal)]
            return try await parent.startSupervisor(children: children, linkage: .linked).pid!
        }
        // The parent returned (exit `normal`); the supervisor follows it.
        try await eventually { !node.runtime.isAlive(supPid) }
        #expect(journal.all.suffix(2) == ["stop b", "stop a"])
    }

    @Test func a_child_crashing_during_shutdown_is_reported_and_the_others_still_stop() async throws {
        let grumpy = ChildSpec.worker(id: "grumpy") { sup in
            try sup.spawnLink(.trapExit) { me in
                _ = try await me.receive(ExitMessage.self)
                throw ProbeFailure()  // crashes instead of exiting `shutdown`
            }
        }
        let sup = try await node.startSupervisor(
            children: [.probe("a", journal), grumpy, .probe("c", journal)], options: events.options)
        journal.clear()
        try await sup.stop()
        #expect(journal.all == ["stop c", "stop a"])
        #expect(
            events.all.contains { kind in
                if case .shutdownError("grumpy", _, .crashed(ProcessCrash(ProbeFailure()))) = kind {
                    true
                } else {
                    false
                }
            })
    }

    @Test func brutal_kill_kills_at_once_without_terminate() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("a", journal, shutdown: .brutalKill)], options: events.options)
        let pid = try #require(node.whereis("a"))
        try await sup.terminateChild("a")
        #expect(!node.runtime.isAlive(pid))
        #expect(!journal.all.contains("stop a"))
        #expect(events.all == [.childShutDown(id: "a", pid: pid)])
        try await sup.stop()
    }

    @Test func a_child_stuck_past_its_shutdown_timeout_is_killed() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("a", journal, shutdown: .timeout(.milliseconds(50)))], options: events.options)
        let pid = try #require(node.whereis("a"))
        node.probe("a").cast(.hang)
        try await sup.terminateChild("a")
        #expect(!node.runtime.isAlive(pid))
        #expect(events.all == [.shutdownError(id: "a", pid: pid, reason: .killed)])
        try await sup.stop()
    }

    @Test func stop_with_a_timeout_on_a_server_stuck_in_a_handler_times_out() async throws {
        let sup = try await node.startSupervisor(children: [.probe("a", journal)], options: events.options)
        let pid = try #require(node.whereis("a"))
        node.probe("a").cast(.hang)
        await #expect(throws: GenServerError.timeout) {
            try await node.probe("a").stop(timeout: .milliseconds(50))
        }
        #expect(node.runtime.isAlive(pid))
        // Stopping it is the supervisor's job now: 5 s of grace, but `kill` from outside ends it.
        node.exit(pid, .kill)
        try await events.wait { _ in events.restarts(of: "a") == 1 }
        try await sup.stop()
    }

    @Test func a_worker_that_does_not_trap_exits_dies_from_the_shutdown_signal() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("a", journal, trapsExits: false)], options: events.options)
        let pid = try #require(node.whereis("a"))
        try await sup.stop()
        #expect(!journal.all.contains("stop a"))
        #expect(events.all == [.childShutDown(id: "a", pid: pid)])
    }
}
