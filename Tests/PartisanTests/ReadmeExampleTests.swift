import Partisan
import Testing

/// The README's example, kept compiling and true.
@Suite struct ReadmeExampleTests {
    @Test func the_readme_example_echoes_in_upper_case() async throws {
        let node = try await PartisanNode.start(name: "a@127.0.0.1")

        let echo = node.spawn { ctx in
            while true {
                let (from, text) = try await ctx.receive((Pid, String).self)
                ctx.send(text.uppercased(), to: from)
            }
        }

        let reply = try await node.withProcess { me in
            let ref = me.monitor(echo)
            me.send((me.pid, "hello"), to: echo)
            defer { me.demonitor(ref, flush: true) }
            return try await me.receive(String.self, timeout: .seconds(1))
        }
        #expect(reply == "HELLO")
        node.exit(echo, .kill)
    }
}
