import PartisanCore
import PartisanTestSupport
import Testing

@Suite struct MonitorTests {
    let runtime = ProcessRuntime(node: "monitors@127.0.0.1")

    @Test func a_monitor_delivers_exactly_one_DOWN_with_the_exit_reason() async throws {
        let downs: [DownMessage] = try await runtime.withProcess { me in
            let (pid, ref) = me.spawnMonitor { ctx in
                _ = try await ctx.receive(String.self)
                try ctx.exit(.shutdown)
            }
            me.send("go", to: pid)
            let down = try await me.receive(DownMessage.self)
            #expect(down.ref == ref && down.pid == pid)
            let another = try await me.receive(DownMessage.self, timeout: .milliseconds(50))
            return [down] + (another.map { [$0] } ?? [])
        }
        #expect(downs.count == 1)
        #expect(downs[0].reason == .shutdown)
    }

    @Test func monitoring_a_dead_or_unknown_pid_gives_DOWN_noproc_at_once() async throws {
        let dead = runtime.spawn { _ in }
        try await eventually { !runtime.isAlive(dead) }
        let unknown = Pid(node: runtime.node, id: 999_999, serial: 77, creation: runtime.creation)
        let reasons: [ExitReason] = try await runtime.withProcess { me in
            let a = me.monitor(dead)
            let b = me.monitor(unknown)
            let first = try await me.receive(DownMessage.self, timeout: .zero) { $0.ref == a }
            let second = try await me.receive(DownMessage.self, timeout: .zero) { $0.ref == b }
            #expect(me.monitors.isEmpty)
            return [first?.reason, second?.reason].compactMap { $0 }
        }
        #expect(reasons == [.noproc, .noproc])
    }

    @Test func monitoring_a_pid_of_an_unconnected_node_gives_DOWN_noconnection_at_once() async throws {
        let remote = Pid(node: "elsewhere@127.0.0.1", id: 1, serial: 0, creation: 1)
        let reason: ExitReason? = try await runtime.withProcess { me in
            let ref = me.monitor(remote)
            return try await me.receive(DownMessage.self, timeout: .zero) { $0.ref == ref }?.reason
        }
        #expect(reason == .noconnection)
    }

    @Test func demonitor_stops_the_DOWN_and_flush_removes_one_already_queued() async throws {
        let result: (Bool, Bool, Int) = try await runtime.withProcess { me in
            let target = me.runtime.spawn { ctx in _ = try await ctx.receive(String.self) }
            let ref = me.monitor(target)
            let wasActive = me.demonitor(ref)
            #expect(me.runtime.details(of: target)?.monitoredBy.isEmpty == true)
            me.send("stop", to: target)
            let ref2 = me.monitor(me.runtime.spawn { _ in })
            // Wait until the second DOWN is queued, then flush it.
            try await eventually { me.mailboxCount == 1 }
            let secondActive = me.demonitor(ref2, flush: true)
            return (wasActive, secondActive, me.mailboxCount)
        }
        #expect(result.0 == true)
        #expect(result.1 == false)  // it had already fired
        #expect(result.2 == 0)
    }

    @Test func monitoring_twice_gives_two_DOWNs() async throws {
        let count: Int = try await runtime.withProcess { me in
            let target = me.runtime.spawn { ctx in _ = try await ctx.receive(String.self) }
            me.monitor(target)
            me.monitor(target)
            me.send("stop", to: target)
            _ = try await me.receive(DownMessage.self)
            _ = try await me.receive(DownMessage.self)
            return me.mailboxCount
        }
        #expect(count == 0)
    }

    @Test func a_dead_watcher_leaves_no_monitor_behind_on_its_target() async throws {
        let target = runtime.spawn { ctx in try await ctx.waitForever() }
        try await runtime.withProcess { me in me.monitor(target) }
        try await eventually { runtime.details(of: target)?.monitoredBy.isEmpty == true }
        runtime.exit(target, .kill)
    }

    @Test func process_details_report_name_mailbox_links_and_monitors() async throws {
        let target = runtime.spawn { ctx in try await ctx.waitForever() }
        try runtime.register("details-target", target)
        runtime.send(1, to: target)
        runtime.send(2, to: target)
        let watcher = try await runtime.withProcess([.trapExit]) { me -> Pid in
            try me.link(target)
            me.monitor(target)
            let details = try #require(me.runtime.details(of: target))
            #expect(details.registeredName == "details-target")
            #expect(details.mailboxCount == 2)
            #expect(details.links == [me.pid])
            #expect(details.monitoredBy.values.contains(me.pid))
            #expect(me.details?.monitors.values.contains(target) == true)
            return me.pid
        }
        try await eventually { runtime.details(of: target)?.links.isEmpty == true }
        #expect(!runtime.isAlive(watcher))
        runtime.exit(target, .kill)
        try await eventually { runtime.details(of: target) == nil }
    }
}
