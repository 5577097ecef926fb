import Partisan
import PartisanTestSupport
import Synchronization
import Testing

@Suite struct NodeDownTests {
    @Test func a_node_shutdown_fires_monitors_links_and_node_monitors_with_noconnection() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let remote = b.spawn { ctx in try await ctx.waitForever() }
            let ready = EventCounter()
            let outcome = Task {
                try await a.withProcess(.trapExit) { me in
                    let ref = me.monitor(remote)
                    try me.link(remote)
                    me.monitorNode(b.name)
                    ready.add()
                    let down = try await me.receive(DownMessage.self, timeout: .seconds(10)) { $0.ref == ref }
                    let exit = try await me.receive(ExitMessage.self, timeout: .seconds(10))
                    let nodeDown = try await me.receive(NodeDown.self, timeout: .seconds(10))
                    return (down, exit, nodeDown)
                }
            }
            try await eventually { ready.value == 1 }
            // The link and monitor are in place on b once b's process has them.
            try await eventually { b.details(of: remote).map { !$0.links.isEmpty && !$0.monitoredBy.isEmpty } ?? false }
            await b.kill()
            let (down, exit, nodeDown) = try await outcome.value
            #expect(down?.reason == .noconnection)
            #expect(exit == ExitMessage(from: remote, reason: .noconnection))
            #expect(nodeDown == NodeDown(node: b.name, reason: .connectionClosed))
            #expect(a.nodes().isEmpty)
        }
    }

    /// A peer that comes back as a new incarnation (same name, new creation) right after its
    /// old one stopped: the old session ends with `noconnection` for everything tied to it,
    /// and the new incarnation takes its place. (While the old incarnation's session lives the
    /// new one is refused as a duplicate, see `IncarnationTests`: it connects again until this
    /// node has seen the old connections close.)
    @Test func a_restarted_peer_replaces_its_old_incarnation() async throws {
        let a = try await PartisanNode.start(name: "rs-a@127.0.0.1", cookie: "restart")
        let old = try await startNode("rs-b@127.0.0.1", cookie: "restart", creation: 1)
        let new = try await startNode("rs-b@127.0.0.1", cookie: "restart", creation: 2)
        defer {
            Task {
                for node in [a, old, new] { await node.shutdown() }
            }
        }
        _ = try await a.connect(to: old.listenAddress!)
        try await eventually { a.isConnected(old.name) }
        let remote = old.spawn { ctx in try await ctx.waitForever() }
        let (down, nodeDown, reached) = try await a.withProcess { me in
            let ref = me.monitor(remote)
            me.monitorNode(old.name)
            await old.kill()  // a may not have seen its connections close yet
            try await eventually("the new incarnation gets in") {
                do {
                    try await new.connect(to: a.listenAddress!)
                    return true
                } catch TransportError.handshake(.refusedByPeer(AdmissionRefusal.duplicateName.wireReason)) {
                    return false
                }
            }
            let down = try await me.receive(DownMessage.self, timeout: .seconds(10)) { $0.ref == ref }
            let nodeDown = try await me.receive(NodeDown.self, timeout: .seconds(10))
            try new.register(
                "inbox",
                new.spawn { ctx in
                    let from = try await ctx.receive(Pid.self)
                    ctx.send("new incarnation", to: from)
                })
            try await eventually { a.isConnected(new.name) }
            try me.send(me.pid, to: RegisteredName("inbox", on: new.name)!)
            return (down?.reason, nodeDown?.reason, try await me.receive(String.self, timeout: .seconds(10)))
        }
        #expect(down == .noconnection)
        #expect(nodeDown == .connectionClosed)
        #expect(reached == "new incarnation")
    }

    @Test func monitor_node_of_an_unconnected_node_answers_at_once() async throws {
        try await withConnectedNodes(1) { nodes in
            let down = try await nodes[0].withProcess { me in
                me.monitorNode("nowhere@127.0.0.1")
                return try await me.receive(NodeDown.self, timeout: .zero)
            }
            #expect(down == NodeDown(node: "nowhere@127.0.0.1", reason: .notConnected))
        }
    }

    @Test func monitor_nodes_and_callbacks_see_up_and_down() async throws {
        let a = try await startConnectedNodes(1)[0]
        let b = try await startConnectedNodes(1)[0]
        let events = Mutex<[String]>([])
        a.onUp { node in events.withLock { $0.append("up \(node)") } }
        a.onDown { node, reason in events.withLock { $0.append("down \(node) \(reason)") } }
        let subscribed = EventCounter()
        let seen = Task {
            try await a.withProcess { me in
                me.monitorNodes()
                subscribed.add()
                let up = try await me.receive(NodeUp.self, timeout: .seconds(10))
                let down = try await me.receive(NodeDown.self, timeout: .seconds(10))
                return (up, down)
            }
        }
        try await eventually { subscribed.value == 1 }
        try await a.connect(to: b.listenAddress!)
        try await eventually { b.isConnected(a.name) && a.isFullyConnected(b.name) }
        #expect(a.nodes() == [b.name] && b.nodes() == [a.name])
        #expect(a.disconnect(b.name))
        let (up, down) = try await seen.value
        #expect(up == NodeUp(node: b.name))
        #expect(down == NodeDown(node: b.name, reason: .disconnect))
        #expect(events.withLock { $0 } == ["up \(b.name)", "down \(b.name) disconnect"])
        // The peer sees the session end too.
        try await eventually { !b.isConnected(a.name) }
        await a.shutdown()
        await b.shutdown()
    }

    @Test func a_node_without_networking_has_no_peers() async throws {
        let node = try await PartisanNode.start(name: "solo@127.0.0.1")
        #expect(node.nodes().isEmpty && node.listenAddress == nil)
        await #expect(throws: PartisanNodeError.notDistributed) {
            try await node.connect(to: ListenAddress(host: "127.0.0.1", port: 1))
        }
    }
}
