import Partisan
import PartisanTestSupport
import Testing

/// Erlang's hidden nodes: connected and able to talk, but left out of `nodes()` and of the
/// default `monitor_nodes`.
@Suite struct HiddenNodeTests {
    @Test func a_hidden_node_is_left_out_of_nodes_and_default_node_monitoring() async throws {
        let visible = try await PartisanNode.start(name: "hid-v@127.0.0.1", cookie: "hidden")
        let hidden = try await startNode("hid-h@127.0.0.1", cookie: "hidden") { $0.transport.hidden = true }
        defer {
            Task {
                await hidden.shutdown()
                await visible.shutdown()
            }
        }
        let (events, sawEcho) = try await visible.withProcess { me in
            me.monitorNodes()  // visible nodes only
            let all = me.spawn { ctx in
                ctx.monitorNodes(selection: .all)
                ctx.send("subscribed", to: me.pid)
                var events: [String] = []
                while events.count < 2 {
                    if let up = try await ctx.receive(NodeUp.self, timeout: .seconds(10)) {
                        events.append("up \(up.node) \(up.type)")
                    }
                    if let down = try await ctx.receive(NodeDown.self, timeout: .seconds(10)) {
                        events.append("down \(down.node) \(down.type)")
                    }
                }
                ctx.send(events, to: me.pid)
            }
            _ = try await me.receive(String.self, timeout: .seconds(5))
            _ = try await hidden.connect(to: visible.listenAddress!)
            try await eventually { visible.nodes(.hidden) == [hidden.name] }
            #expect(visible.nodes().isEmpty)
            #expect(visible.nodes(.all) == [hidden.name])
            // The hidden node sees its peer as visible, and messages flow both ways.
            #expect(hidden.nodes() == [visible.name])
            try visible.register("inbox", me.pid)
            try hidden.runtime.send("from hidden", to: RegisteredName("inbox", on: visible.name)!)
            let echo = try await me.receive(String.self, timeout: .seconds(5)) { $0 == "from hidden" }
            await hidden.shutdown()
            let events = try await me.receive([String].self, timeout: .seconds(10)) { _ in true }
            // The default subscription heard nothing of the hidden node.
            let unexpected = try await me.receive(NodeUp.self, timeout: .milliseconds(50))
            #expect(unexpected == nil)
            _ = all
            return (events, echo != nil)
        }
        #expect(sawEcho)
        #expect(events == ["up \(hidden.name) hidden", "down \(hidden.name) hidden"])
    }
}
