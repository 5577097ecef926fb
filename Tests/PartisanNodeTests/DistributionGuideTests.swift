import Partisan
import PartisanTestSupport
import Testing

/// The example of `Guides/Distribution.md`'s "Remote processes" section, kept compiling and
/// passing (node names made unique per run).
@Suite struct DistributionGuideTests {
    struct Ping: Codable, Sendable { let from: Pid }

    @Test func the_remote_processes_example_runs() async throws {
        let a = try await PartisanNode.start(name: "guide-a@127.0.0.1", cookie: "secret")
        let b = try await PartisanNode.start(name: "guide-b@127.0.0.1", cookie: "secret")
        a.registerMessageType(Ping.self)
        b.registerMessageType(Ping.self)
        try await a.connect(to: b.listenAddress!)  // b connects back on its own

        // A process registered as "pong" on b answers every ping.
        let pong = b.spawn { ctx in
            while true {
                let ping = try await ctx.receive(Ping.self)
                ctx.send("pong", to: ping.from)
            }
        }
        try b.register("pong", pong)

        let (reply, down, nodeDown) = try await a.withProcess { me in
            let ref = me.monitor(pong)  // erlang:monitor(process, Pong)
            me.monitorNode(b.name)  // monitor_node(B, true)
            try me.send(Ping(from: me.pid), to: RegisteredName("pong", on: b.name)!)  // {pong, B} ! Ping
            let reply = try await me.receive(String.self, timeout: .seconds(5))
            await b.kill()  // the connection goes down
            let down = try await me.receive(DownMessage.self, timeout: .seconds(5)) { $0.ref == ref }
            let nodeDown = try await me.receive(NodeDown.self, timeout: .seconds(5))
            return (reply, down?.reason, nodeDown?.reason)
        }
        #expect(reply == "pong")
        #expect(down == .noconnection)
        #expect(nodeDown == .connectionClosed)
        await a.shutdown()
    }
}
