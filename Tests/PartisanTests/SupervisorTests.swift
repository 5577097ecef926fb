import Logging
import Partisan
import PartisanTestSupport
import Testing

/// Starting, restart types, strategies and restart intensity.
@Suite struct SupervisorTests {
    let node: PartisanNode
    let journal = Journal()
    let events = EventLog()

    init() async throws {
        node = try await PartisanNode.start(name: "sup@127.0.0.1")
    }

    // MARK: Starting

    @Test func children_start_in_order() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("a", journal), .probe("b", journal), .probe("c", journal)])
        #expect(journal.all == ["start a", "start b", "start c"])
        let children = try await sup.whichChildren()
        #expect(children.map(\.id) == ["a", "b", "c"])
        #expect(children.allSatisfy { $0.pid != nil && $0.type == .worker })
        try await sup.stop()
    }

    @Test func a_child_that_fails_to_start_fails_the_start_and_stops_the_ones_started() async throws {
        let failing = ChildSpec.worker(id: "bad") { _ in throw ProbeFailure() }
        let expected = SupervisorStartError.childFailed(id: "bad", reason: .crashed(ProcessCrash(ProbeFailure())))
        await #expect(throws: expected) {
            try await node.startSupervisor(
                children: [.probe("a", journal), .probe("b", journal), failing, .probe("d", journal)])
        }
        #expect(journal.all == ["start a", "start b", "stop b", "stop a"])
        #expect(node.whereis("a") == nil && node.whereis("b") == nil)
    }

    @Test func a_child_that_ignores_keeps_its_spec_without_a_process() async throws {
        let sup = try await node.startSupervisor(children: [.worker(id: "idle") { _ in nil }, .probe("a", journal)])
        #expect(try await sup.whichChildren().map(\.status).first == .notRunning)
        #expect(try await sup.countChildren() == ChildCounts(specs: 2, active: 1, supervisors: 0, workers: 2))
        try await sup.stop()
    }

    @Test func invalid_child_specs_are_rejected() async throws {
        #expect(throws: SupervisorError.invalidChildSpec("duplicate child id \"a\"")) {
            try SupervisorRef.checkChildSpecs([.probe("a", journal), .probe("a", journal)])
        }
        #expect(throws: SupervisorError.invalidChildSpec("empty child id")) {
            try SupervisorRef.checkChildSpecs([.probe("", journal)])
        }
        await #expect(throws: SupervisorStartError.invalidChildSpec("invalid child spec: duplicate child id \"a\"")) {
            try await node.startSupervisor(children: [.probe("a", journal), .probe("a", journal)])
        }
        try SupervisorRef.checkChildSpecs([.probe("a", journal), .probe("b", journal)])
    }

    // MARK: Restart types

    @Test func permanent_child_is_restarted_after_any_exit() async throws {
        let sup = try await node.startSupervisor(
            SupervisorFlags(intensity: 10, period: .seconds(60)), children: [.probe("a", journal)],
            options: events.options)
        let first = try #require(node.whereis("a"))
        _ = try await node.probe("a").call(.stop(.normal))
        try await events.wait { _ in events.restarts(of: "a") == 1 }
        let second = try #require(node.whereis("a"))
        #expect(second != first)
        #expect(try await node.probe("a").call(.ping) == "a")
        try await sup.stop()
    }

    @Test func transient_child_exiting_normal_is_not_restarted() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("t", journal, restart: .transient)], options: events.options)
        _ = try await node.probe("t").call(.stop(.normal))
        try await events.wait { _ in events.exits(of: "t") == [.normal] }
        // The supervisor handles messages in order: this answer comes after its decision.
        #expect(try await sup.whichChildren().map(\.status) == [.notRunning])
        #expect(events.restarts(of: "t") == 0)
        try await sup.stop()
    }

    @Test func transient_child_exiting_with_shutdown_is_not_restarted() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("t", journal, restart: .transient)], options: events.options)
        _ = try await node.probe("t").call(.stop(.shutdownWith(.atom("done"))))
        try await events.wait { _ in events.exits(of: "t").count == 1 }
        #expect(try await sup.whichChildren().map(\.status) == [.notRunning])
        try await sup.stop()
    }

    @Test func transient_child_exiting_with_an_error_is_restarted() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("t", journal, restart: .transient)], options: events.options)
        await #expect(throws: GenServerError.exit(.crashed(ProcessCrash(ProbeFailure())))) {
            try await node.probe("t").call(.crash)
        }
        try await events.wait { _ in events.restarts(of: "t") == 1 }
        #expect(try await node.probe("t").call(.ping) == "t")
        try await sup.stop()
    }

    @Test func temporary_child_is_never_restarted_and_its_spec_is_dropped() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("tmp", journal, restart: .temporary), .probe("a", journal)], options: events.options)
        node.probe("tmp").cast(.crash)
        try await events.wait { _ in events.exits(of: "tmp").count == 1 }
        #expect(try await sup.whichChildren().map(\.id) == ["a"])
        #expect(events.restarts(of: "tmp") == 0)
        try await sup.stop()
    }

    // MARK: Strategies

    @Test func one_for_one_restarts_only_the_child_that_exited() async throws {
        let sup = try await node.startSupervisor(
            children: [.probe("a", journal), .probe("b", journal), .probe("c", journal)], options: events.options)
        let before = try await sup.whichChildren().map(\.pid)
        journal.clear()
        node.probe("b").cast(.crash)
        try await events.wait { _ in events.restarts(of: "b") == 1 }
        let after = try await sup.whichChildren().map(\.pid)
        #expect(after[0] == before[0] && after[2] == before[2] && after[1] != before[1])
        // A crash in a handler runs `terminate` (its journal line) before the process exits.
        #expect(journal.all == ["stop b", "start b"])
        try await sup.stop()
    }

    @Test func one_for_all_stops_the_others_in_reverse_order_and_restarts_all_in_order() async throws {
        let sup = try await node.startSupervisor(
            SupervisorFlags(strategy: .oneForAll),
            children: [.probe("a", journal), .probe("b", journal), .probe("c", journal)], options: events.options)
        let before = try await sup.whichChildren().map(\.pid)
        journal.clear()
        node.probe("b").cast(.crash)
        try await events.wait { _ in events.restarts(of: "c") == 1 }
        #expect(journal.all == ["stop b", "stop c", "stop a", "start a", "start b", "start c"])
        let after = try await sup.whichChildren().map(\.pid)
        #expect(zip(before, after).allSatisfy { $0 != $1 })
        try await sup.stop()
    }

    @Test func rest_for_one_restarts_the_child_and_those_started_after_it() async throws {
        let sup = try await node.startSupervisor(
            SupervisorFlags(strategy: .restForOne),
            children: [.probe("a", journal), .probe("b", journal), .probe("c", journal)], options: events.options)
        let before = try await sup.whichChildren().map(\.pid)
        journal.clear()
        node.probe("b").cast(.crash)
        try await events.wait { _ in events.restarts(of: "c") == 1 }
        #expect(journal.all == ["stop b", "stop c", "start b", "start c"])
        let after = try await sup.whichChildren().map(\.pid)
        #expect(after[0] == before[0] && after[1] != before[1] && after[2] != before[2])
        try await sup.stop()
    }

    @Test func a_temporary_sibling_is_not_restarted_by_one_for_all() async throws {
        let sup = try await node.startSupervisor(
            SupervisorFlags(strategy: .oneForAll),
            children: [.probe("a", journal), .probe("tmp", journal, restart: .temporary)], options: events.options)
        node.probe("a").cast(.crash)
        try await events.wait { _ in events.restarts(of: "a") == 1 }
        #expect(try await sup.whichChildren().map(\.id) == ["a"])
        #expect(journal.all.filter { $0 == "start tmp" }.count == 1)
        try await sup.stop()
    }

    // MARK: Intensity

    @Test func intensity_restarts_within_the_period_are_allowed_and_one_more_shuts_down() async throws {
        let sup = try await node.startSupervisor(
            SupervisorFlags(intensity: 3, period: .seconds(60)),
            children: [.probe("a", journal), .probe("b", journal), .probe("c", journal)], options: events.options)
        let supPid = try #require(sup.pid)
        for n in 1...3 {
            node.probe("a").cast(.crash)
            try await events.wait { _ in events.restarts(of: "a") == n }
        }
        #expect(node.runtime.isAlive(supPid))
        let reason = try await node.exitReason(of: supPid) { _ in node.probe("a").cast(.crash) }
        #expect(reason == .shutdown)
        #expect(events.restarts(of: "a") == 3)
        #expect(events.all.contains(.intensityReached(restarts: 4)))
        // `a` stopped by crashing; then the others were stopped youngest first.
        #expect(journal.all.suffix(3) == ["stop a", "stop c", "stop b"])
        #expect(node.whereis("a") == nil && node.whereis("b") == nil && node.whereis("c") == nil)
    }

    @Test func default_intensity_is_one_restart_in_five_seconds() async throws {
        #expect(SupervisorFlags() == SupervisorFlags(strategy: .oneForOne, intensity: 1, period: .seconds(5)))
        let sup = try await node.startSupervisor(children: [.probe("a", journal)], options: events.options)
        let supPid = try #require(sup.pid)
        node.probe("a").cast(.crash)
        try await events.wait { _ in events.restarts(of: "a") == 1 }
        let reason = try await node.exitReason(of: supPid) { _ in node.probe("a").cast(.crash) }
        #expect(reason == .shutdown)
    }

    @Test func a_child_that_cannot_restart_is_retried_until_the_intensity_is_spent() async throws {
        let attempts = Journal()
        let flaky = ChildSpec.worker(id: "flaky") { sup in
            attempts.append("try")
            if attempts.all.count > 1 { throw ProbeFailure() }
            let probe = Probe(id: "flaky", journal: Journal())
            return try await sup.startGenServer(probe, name: "flaky", linkage: .linked).pid
        }
        let sup = try await node.startSupervisor(
            SupervisorFlags(intensity: 3, period: .seconds(60)), children: [flaky], options: events.options)
        let reason = try await node.exitReason(of: try #require(sup.pid)) { _ in node.probe("flaky").cast(.crash) }
        #expect(reason == .shutdown)
        // The first start, then restarts 1...3 each failing; the 4th would exceed the intensity.
        #expect(attempts.all.count == 4)
        #expect(events.all.filter { if case .restartFailed = $0 { true } else { false } }.count == 3)
    }

    // MARK: Observability

    @Test func every_restart_writes_a_log_line() async throws {
        let lines = Journal()
        var configuration = PartisanNode.Configuration(name: "logged@127.0.0.1")
        configuration.logging.logger = Logger(label: "test") { _ in RecordingLogHandler(lines: lines) }
        let logged = try await PartisanNode.start(configuration)
        let sup = try await logged.startSupervisor(
            SupervisorFlags(intensity: 5, period: .seconds(60)), children: [.probe("a", journal)],
            options: events.options)
        for n in 1...2 {
            logged.probe("a").cast(.crash)
            try await events.wait { _ in events.restarts(of: "a") == n }
        }
        #expect(lines.all.filter { $0.hasPrefix("notice supervisor restarted a child a") }.count == 2)
        #expect(lines.all.filter { $0.hasPrefix("error supervised child terminated a") }.count == 2)
        try await sup.stop()
    }

    @Test func the_event_stream_delivers_restarts_in_order() async throws {
        let (options, stream) = SupervisorOptions.eventStream()
        let sup = try await node.startSupervisor(children: [.probe("a", journal)], options: options)
        let old = try #require(node.whereis("a"))
        node.probe("a").cast(.crash)
        var iterator = stream.makeAsyncIterator()
        let exited = await iterator.next()
        let restarted = await iterator.next()
        #expect(exited?.kind == .childExited(id: "a", pid: old, reason: .crashed(ProcessCrash(ProbeFailure()))))
        guard case .childRestarted("a", let new)? = restarted?.kind else {
            Issue.record("expected a restart, got \(String(describing: restarted))")
            return
        }
        #expect(new == node.whereis("a") && new != old)
        try await sup.stop()
    }
}
