import Partisan
import PartisanTestSupport
import Testing

@Suite struct RemoteMonitorLinkTests {
    /// A process on `node` that exits with `reason` when it receives any message.
    func doomed(on node: PartisanNode, reason: ExitReason) -> Pid {
        node.spawn { ctx in
            _ = try await ctx.receive()
            try ctx.exit(reason)
        }
    }

    @Test func a_remote_monitor_fires_with_the_real_reason() async throws {
        try await withConnectedNodes(2) { nodes in
            let target = doomed(on: nodes[1], reason: .other(.atom("boom")))
            let down = try await nodes[0].withProcess { me in
                let ref = me.monitor(target)
                me.send("go", to: target)
                return try await me.receive(DownMessage.self, timeout: .seconds(10)) { $0.ref == ref }
            }
            #expect(down?.pid == target)
            #expect(down?.reason == .other(.atom("boom")))
        }
    }

    @Test func monitoring_a_dead_remote_pid_fires_with_noproc() async throws {
        try await withConnectedNodes(2) { nodes in
            let target = nodes[1].spawn { _ in }
            try await eventually { !nodes[1].runtime.isAlive(target) }
            let down = try await nodes[0].withProcess { me in
                me.monitor(target)
                return try await me.receive(DownMessage.self, timeout: .seconds(10))
            }
            #expect(down?.reason == .noproc)
        }
    }

    @Test func a_demonitored_remote_process_sends_no_down() async throws {
        try await withConnectedNodes(2) { nodes in
            let target = doomed(on: nodes[1], reason: .shutdown)
            let (late, other) = try await nodes[0].withProcess { me in
                let ref = me.monitor(target)
                me.demonitor(ref)
                let control = me.monitor(target)
                me.send("go", to: target)
                let down = try await me.receive(DownMessage.self, timeout: .seconds(10))
                let late = try await me.receive(DownMessage.self, timeout: .milliseconds(100))
                return (late, down?.ref == control)
            }
            #expect(late == nil)
            #expect(other)
        }
    }

    @Test func a_remote_link_kills_a_process_that_does_not_trap_exits() async throws {
        try await withConnectedNodes(2) { nodes in
            let target = doomed(on: nodes[1], reason: .other(.atom("boom")))
            let down = try await nodes[0].withProcess { me in
                let linked = nodes[0].spawn { ctx in
                    try ctx.link(target)
                    ctx.send("go", to: target)
                    try await ctx.waitForever()
                }
                let ref = me.monitor(linked)
                return try await me.receive(DownMessage.self, timeout: .seconds(10)) { $0.ref == ref }
            }
            #expect(down?.reason == .other(.atom("boom")))
        }
    }

    @Test func a_process_trapping_exits_gets_the_remote_exit_as_a_message() async throws {
        try await withConnectedNodes(2) { nodes in
            let target = doomed(on: nodes[1], reason: .shutdown)
            let exit = try await nodes[0].withProcess(.trapExit) { me in
                try me.link(target)
                me.send("go", to: target)
                return try await me.receive(ExitMessage.self, timeout: .seconds(10))
            }
            #expect(exit == ExitMessage(from: target, reason: .shutdown))
        }
    }

    @Test func a_local_exit_reaches_a_linked_remote_process() async throws {
        try await withConnectedNodes(2) { nodes in
            let exit = try await nodes[1].withProcess(.trapExit) { me in
                let watcher = me.pid
                nodes[0].spawn { ctx in
                    try ctx.link(watcher)
                    try ctx.exit(.other(.atom("local")))
                }
                return try await me.receive(ExitMessage.self, timeout: .seconds(10))
            }
            #expect(exit?.reason == .other(.atom("local")))
        }
    }

    @Test func linking_to_a_dead_remote_pid_gives_noproc() async throws {
        try await withConnectedNodes(2) { nodes in
            let target = nodes[1].spawn { _ in }
            try await eventually { !nodes[1].runtime.isAlive(target) }
            let exit = try await nodes[0].withProcess(.trapExit) { me in
                try me.link(target)
                return try await me.receive(ExitMessage.self, timeout: .seconds(10))
            }
            #expect(exit == ExitMessage(from: target, reason: .noproc))
        }
    }

    @Test func monitor_and_link_of_a_pid_on_an_unconnected_node_fail_at_once_with_noconnection() async throws {
        try await withConnectedNodes(1) { nodes in
            let stranger = Pid(node: "nowhere@127.0.0.1", id: 1, serial: 0, creation: 1)
            let (down, exit) = try await nodes[0].withProcess(.trapExit) { me in
                me.monitor(stranger)
                try me.link(stranger)
                return (
                    try await me.receive(DownMessage.self, timeout: .zero),
                    try await me.receive(ExitMessage.self, timeout: .zero)
                )
            }
            #expect(down?.reason == .noconnection)
            #expect(exit == ExitMessage(from: stranger, reason: .noconnection))
        }
    }
}
