import Partisan
import PartisanTestSupport
import Testing

/// `isAlive` answers for a process of any node: a remote pid's node is asked.
@Suite struct RemoteIsAliveTests {
    @Test func is_alive_of_a_remote_pid_asks_its_node() async throws {
        try await withConnectedNodes(2) { nodes in
            let target = nodes[1].spawn { ctx in try await ctx.waitForever() }
            #expect(try await nodes[0].isAlive(target))
            nodes[1].exit(target, .kill)
            try await eventually("the remote process seen dead") { try await !nodes[0].isAlive(target) }
        }
    }

    @Test func is_alive_of_a_local_pid_answers_without_asking() async throws {
        let node = try await PartisanNode.start(name: "alive-local@127.0.0.1")
        let target = node.spawn { ctx in try await ctx.waitForever() }
        #expect(try await node.isAlive(target))
        node.exit(target, .kill)
        try await eventually { try await !node.isAlive(target) }
        await node.shutdown()
    }

    @Test func is_alive_of_a_pid_of_a_node_not_connected_fails_with_noconnection() async throws {
        try await withConnectedNodes(2) { nodes in
            let target = nodes[1].spawn { ctx in try await ctx.waitForever() }
            nodes[0].disconnect(nodes[1].name)
            try await eventually { !nodes[0].isConnected(nodes[1].name) }
            await #expect(throws: RPCError.noconnection) { try await nodes[0].isAlive(target) }
        }
    }
}
