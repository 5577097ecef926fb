import PartisanCore
import PartisanTestSupport
import Testing

@Suite struct RegistryTests {
    let runtime = ProcessRuntime(node: "registry@127.0.0.1")

    private func idle() -> Pid { runtime.spawn { ctx in try await ctx.waitForever() } }

    @Test func register_whereis_unregister_and_registered() throws {
        let pid = idle()
        defer { runtime.exit(pid, .kill) }
        try runtime.register("worker", pid)
        #expect(runtime.whereis("worker") == pid)
        #expect(runtime.registered().contains("worker"))
        try runtime.unregister("worker")
        #expect(runtime.whereis("worker") == nil)
        #expect(throws: ProcessError.unregisteredName("worker")) { try runtime.unregister("worker") }
    }

    @Test func send_to_a_registered_name_delivers_and_to_an_unknown_name_fails_clearly() async throws {
        let got: String = try await runtime.withProcess { me in
            try me.runtime.register("inbox", me.pid)
            try me.send("hello", to: "inbox")
            #expect(throws: ProcessError.unregisteredName("nobody")) { try me.send("x", to: "nobody") }
            return try await me.receive(String.self)
        }
        #expect(got == "hello")
    }

    @Test func a_name_dies_with_its_process() async throws {
        let pid = idle()
        try runtime.register("mortal", pid)
        runtime.exit(pid, .kill)
        try await eventually { runtime.whereis("mortal") == nil }
        // The name is free again.
        let next = idle()
        try runtime.register("mortal", next)
        runtime.exit(next, .kill)
    }

    @Test func registering_a_taken_name_a_dead_pid_or_a_second_name_fails() async throws {
        let a = idle()
        let b = idle()
        defer {
            runtime.exit(a, .kill)
            runtime.exit(b, .kill)
        }
        try runtime.register("taken", a)
        #expect(throws: ProcessError.nameTaken("taken", by: a)) { try runtime.register("taken", b) }
        #expect(throws: ProcessError.alreadyRegistered(a, as: "taken")) { try runtime.register("other", a) }
        let dead = runtime.spawn { _ in }
        try await eventually { !runtime.isAlive(dead) }
        #expect(throws: ProcessError.noproc(dead)) { try runtime.register("ghost", dead) }
        #expect(throws: ProcessError.invalidName("a:b")) { try runtime.register("a:b", b) }
        let remote = Pid(node: "other@h", id: 1, serial: 0, creation: 1)
        #expect(throws: ProcessError.notLocal(remote)) { try runtime.register("far", remote) }
    }

    @Test func send_to_a_registered_name_on_this_node_by_registered_name() async throws {
        let got: Int = try await runtime.withProcess { me in
            try me.runtime.register("by-full-name", me.pid)
            try me.send(5, to: RegisteredName("by-full-name", on: me.node)!)
            return try await me.receive(Int.self)
        }
        #expect(got == 5)
    }
}
