import PartisanCore
import PartisanTestSupport
import Testing

@Suite struct AliasTests {
    let runtime = ProcessRuntime(node: "alias@127.0.0.1")

    @Test func messages_to_an_active_alias_arrive_and_to_a_deactivated_one_are_dropped() async throws {
        let result: (Int?, Int?, Bool, Bool) = try await runtime.withProcess { me in
            let alias = me.makeAlias()
            me.runtime.spawn { ctx in ctx.send(1, to: alias) }
            let first = try await me.receive(Int.self, timeout: .seconds(30))
            let wasActive = me.unalias(alias)
            let again = me.unalias(alias)
            me.runtime.send(2, to: alias)
            let second = try await me.receive(Int.self, timeout: .milliseconds(20))
            return (first, second, wasActive, again)
        }
        #expect(result.0 == 1)
        #expect(result.1 == nil)
        #expect(result.2 && !result.3)
    }

    @Test func an_alias_dies_with_its_process() async throws {
        let alias = try await runtime.withProcess { me in me.makeAlias() }
        try await eventually { !runtime.isAlive(alias.pid) }
        runtime.send("late", to: alias)  // must be a no-op, not a crash
        #expect(!runtime.isAlive(alias.pid))
    }

    @Test func plain_sends_to_the_pid_still_arrive_while_an_alias_is_inactive() async throws {
        let got: String = try await runtime.withProcess { me in
            let alias = me.makeAlias()
            me.unalias(alias)
            me.send("direct", to: me.pid)
            return try await me.receive(String.self)
        }
        #expect(got == "direct")
    }

    @Test func the_current_process_is_known_inside_its_body_and_nil_outside() async throws {
        #expect(ProcessContext.current == nil)
        let (inside, pid): (Pid?, Pid) = try await runtime.withProcess { me in (ProcessContext.current?.pid, me.pid) }
        #expect(inside == pid)
    }
}
