import PartisanCore
import PartisanTestSupport
import Synchronization
import Testing

private struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

/// Spawns a process that waits forever (until killed).
private func idle(_ runtime: ProcessRuntime, _ options: SpawnOptions = []) -> Pid {
    runtime.spawn(options) { ctx in try await ctx.waitForever() }
}

@Suite struct ExitAndLinkTests {
    let runtime = ProcessRuntime(node: "links@127.0.0.1")

    @Test func a_returning_body_exits_normal_and_a_throwing_body_crashes_with_the_error() async throws {
        let reasons: [ExitReason] = try await runtime.withProcess { me in
            let ok = me.runtime.spawn { _ in }
            let bad = me.runtime.spawn { _ in throw Boom() }
            me.monitor(ok)
            me.monitor(bad)
            let a = try await me.receive(DownMessage.self) { $0.pid == ok }
            let b = try await me.receive(DownMessage.self) { $0.pid == bad }
            return [a.reason, b.reason]
        }
        #expect(reasons[0] == .normal)
        guard case .crashed(let crash) = reasons[1] else {
            Issue.record("expected a crash, got \(reasons[1])")
            return
        }
        #expect(crash.message == "boom")
        #expect(crash.error is Boom)
    }

    @Test func a_normal_exit_does_not_kill_a_linked_process() async throws {
        let survivor = idle(runtime)
        try await runtime.withProcess { me in
            let child = me.runtime.spawn { ctx in
                try ctx.link(survivor)
            }
            let ref = me.monitor(child)
            _ = try await me.receive(DownMessage.self) { $0.ref == ref }
        }
        #expect(runtime.isAlive(survivor))
        #expect(runtime.details(of: survivor)?.links.isEmpty == true)
        runtime.exit(survivor, .kill)
    }

    @Test func an_abnormal_exit_kills_linked_processes_that_do_not_trap_exits() async throws {
        let reason: ExitReason = try await runtime.withProcess { me in
            let victim = idle(me.runtime)
            let ref = me.monitor(victim)
            me.runtime.spawn { ctx in
                try ctx.link(victim)
                throw Boom()
            }
            return try await me.receive(DownMessage.self) { $0.ref == ref }.reason
        }
        #expect(reason == .crashed(ProcessCrash(Boom())))
    }

    @Test func a_process_trapping_exits_gets_EXIT_messages_instead_of_dying() async throws {
        let messages: [ExitMessage] = try await runtime.withProcess([.trapExit]) { me in
            let normal = try me.spawnLink { _ in }
            let crashing = try me.spawnLink { _ in throw Boom() }
            let first = try await me.receive(ExitMessage.self) { $0.from == normal }
            let second = try await me.receive(ExitMessage.self) { $0.from == crashing }
            #expect(me.isAlive)
            return [first, second]
        }
        #expect(messages[0].reason == .normal)
        #expect(messages[1].reason == .crashed(ProcessCrash(Boom())))
    }

    @Test func kill_is_untrappable_and_becomes_killed_for_links() async throws {
        let result: (ExitReason, ExitMessage) = try await runtime.withProcess([.trapExit]) { me in
            let target = idle(me.runtime, [.trapExit])
            try me.link(target)
            let ref = me.monitor(target)
            me.exit(target, .kill)
            let down = try await me.receive(DownMessage.self) { $0.ref == ref }
            let exit = try await me.receive(ExitMessage.self)
            return (down.reason, exit)
        }
        #expect(result.0 == .killed)
        #expect(result.1.reason == .killed)
    }

    @Test func exit_with_a_reason_kills_a_non_trapping_target_and_messages_a_trapping_one() async throws {
        let (downReason, message, sender): (ExitReason, ExitMessage?, Pid) = try await runtime.withProcess { me in
            let plain = idle(me.runtime)
            let ref = me.monitor(plain)
            me.exit(plain, .shutdown)
            let down = try await me.receive(DownMessage.self) { $0.ref == ref }
            let parent = me.pid
            let trapper = me.runtime.spawn([.trapExit]) { ctx in
                let message = try await ctx.receive(ExitMessage.self)
                ctx.send(message, to: parent)
            }
            me.exit(trapper, .shutdown)
            return (down.reason, try await me.receive(ExitMessage.self, timeout: .seconds(30)), me.pid)
        }
        #expect(downReason == .shutdown)
        #expect(message == ExitMessage(from: sender, reason: .shutdown))
    }

    @Test func exit_normal_is_ignored_by_a_non_trapping_target() async throws {
        let stillAlive: Bool = try await runtime.withProcess { me in
            let target = idle(me.runtime)
            me.exit(target, .normal)
            defer { me.exit(target, .kill) }
            return me.runtime.isAlive(target)
        }
        #expect(stillAlive)
    }

    @Test func exit_normal_sent_to_oneself_ends_the_process_normally() async throws {
        let reason: ExitReason = try await runtime.withProcess { me in
            let selfExiter = me.runtime.spawn { ctx in
                _ = try await ctx.receive(String.self)
                ctx.exit(ctx.pid, .normal)
                try await ctx.waitForever()
            }
            let ref = me.monitor(selfExiter)
            me.send("go", to: selfExiter)
            return try await me.receive(DownMessage.self) { $0.ref == ref }.reason
        }
        #expect(reason == .normal)
    }

    @Test func a_killed_process_is_woken_from_receive_and_from_task_sleep() async throws {
        let reasons: [ExitReason] = try await runtime.withProcess { me in
            let receiving = idle(me.runtime)
            let sleeping = me.runtime.spawn { _ in try await Task.sleep(for: .seconds(3600)) }
            let r1 = me.monitor(receiving)
            let r2 = me.monitor(sleeping)
            me.exit(receiving, .kill)
            me.exit(sleeping, .shutdown)
            return [
                try await me.receive(DownMessage.self) { $0.ref == r1 }.reason,
                try await me.receive(DownMessage.self) { $0.ref == r2 }.reason,
            ]
        }
        #expect(reasons == [.killed, .shutdown])
    }

    @Test func unlink_stops_exit_signals_from_that_link() async throws {
        let alive: Bool = try await runtime.withProcess { me in
            let partner = idle(me.runtime)
            try me.link(partner)
            me.unlink(partner)
            #expect(me.links.isEmpty)
            #expect(me.runtime.details(of: partner)?.links.isEmpty == true)
            let ref = me.monitor(partner)
            me.exit(partner, .shutdown)
            _ = try await me.receive(DownMessage.self) { $0.ref == ref }
            return me.isAlive
        }
        #expect(alive)
    }

    @Test func link_to_a_dead_process_fails_with_noproc() async throws {
        let dead = runtime.spawn { _ in }
        try await eventually { !runtime.isAlive(dead) }
        let thrown: ProcessError? = try await runtime.withProcess { me -> ProcessError? in
            do {
                try me.link(dead)
                return nil
            } catch { return error as? ProcessError }
        }
        #expect(thrown == .noproc(dead))
        let message: ExitMessage = try await runtime.withProcess([.trapExit]) { me in
            try me.link(dead)
            return try await me.receive(ExitMessage.self)
        }
        #expect(message == ExitMessage(from: dead, reason: .noproc))
    }

    @Test func spawn_link_links_parent_and_child_before_the_child_runs() async throws {
        let reason: ExitReason = try await runtime.withProcess([.trapExit]) { me in
            _ = try me.spawnLink { _ in throw Boom() }
            return try await me.receive(ExitMessage.self).reason
        }
        #expect(reason == .crashed(ProcessCrash(Boom())))
    }

    @Test func exit_of_oneself_notifies_links_and_monitors_with_the_reason() async throws {
        let reasons: (ExitReason, ExitReason) = try await runtime.withProcess([.trapExit]) { me in
            let child = try me.spawnLink { ctx in
                _ = try await ctx.receive(String.self)
                try ctx.exit(.shutdownWith(.atom("done")))
            }
            let ref = me.monitor(child)
            me.send("go", to: child)
            let down = try await me.receive(DownMessage.self) { $0.ref == ref }
            let exit = try await me.receive(ExitMessage.self) { $0.from == child }
            return (down.reason, exit.reason)
        }
        #expect(reasons.0 == .shutdownWith(.atom("done")))
        #expect(reasons.1 == .shutdownWith(.atom("done")))
    }

    @Test func a_chain_of_linked_processes_dies_together() async throws {
        let reasons: [ExitReason] = try await runtime.withProcess { me in
            var chain: [Pid] = [idle(me.runtime)]
            for _ in 0..<50 {
                let previous = chain.last!
                chain.append(
                    me.runtime.spawn { ctx in
                        try ctx.link(previous)
                        try await ctx.waitForever()
                    })
            }
            // Each process links when it first runs, in no particular order: wait for all.
            try await eventually {
                chain.indices.allSatisfy { index in
                    let expected = index == 0 || index == chain.count - 1 ? 1 : 2
                    return me.runtime.details(of: chain[index])?.links.count == expected
                }
            }
            let refs = chain.map { me.monitor($0) }
            me.exit(chain[0], .shutdown)
            var reasons: [ExitReason] = []
            for ref in refs { reasons.append(try await me.receive(DownMessage.self) { $0.ref == ref }.reason) }
            return reasons
        }
        #expect(reasons.allSatisfy { $0 == .shutdown })
    }
}

/// `ProcessRuntime.halt()`: what `PartisanNode.kill()` does to processes.
@Suite struct HaltTests {
    @Test func halt_kills_every_process_and_any_started_meanwhile_at_birth_so_no_exit_is_trapped() async throws {
        let runtime = ProcessRuntime(node: "halt@127.0.0.1")
        let trapped = Mutex<[ExitReason]>([])
        // A parent that traps exits and starts a new trapping child each time one dies, as a
        // supervisor restarts: halting must leave neither alive, nor let a child see an exit.
        _ = runtime.spawn([.trapExit]) { parent in
            let child: @Sendable (ProcessContext) async throws -> Void = { child in
                let exit = try await child.receive(ExitMessage.self)
                trapped.withLock { $0.append(exit.reason) }
            }
            _ = try parent.spawnLink([.trapExit], child)
            while true {
                _ = try await parent.receive(ExitMessage.self)
                _ = try parent.spawnLink([.trapExit], child)
            }
        }
        try await eventually { runtime.processCount == 2 }
        runtime.halt()
        try await eventually { runtime.processCount == 0 }
        #expect(trapped.withLock { $0 }.isEmpty)
        // Later processes die at birth.
        let late = runtime.spawn { _ in }
        #expect(!runtime.isAlive(late))
    }
}
