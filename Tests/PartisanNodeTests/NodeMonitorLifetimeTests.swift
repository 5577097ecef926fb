import Partisan
import PartisanTestSupport
import Testing

/// Node monitors and `monitorNodes` subscriptions end with the process that holds them.
@Suite struct NodeMonitorLifetimeTests {
    @Test func a_monitor_nodes_subscription_ends_when_its_process_exits() async throws {
        try await withConnectedNodes(2) { nodes in
            let kernel = try #require(nodes[0].kernel)
            let before = kernel.nodesMonitorSubscriberCount
            let subscriber = nodes[0].spawn { ctx in
                ctx.monitorNodes()
                try await ctx.waitForever()
            }
            try await eventually("subscribed") { kernel.nodesMonitorSubscriberCount == before + 1 }
            nodes[0].exit(subscriber, .kill)
            try await eventually("the subscription dropped") { kernel.nodesMonitorSubscriberCount == before }
        }
    }

    @Test func a_node_monitor_ends_when_its_process_exits() async throws {
        try await withConnectedNodes(2) { nodes in
            let kernel = try #require(nodes[0].kernel)
            let peer = nodes[1].name
            let before = kernel.nodeMonitorCount
            let watcher = nodes[0].spawn { ctx in
                ctx.monitorNode(peer)
                ctx.monitorNode(peer)
                _ = try await ctx.receive(String.self)
            }
            try await eventually("monitoring") { kernel.nodeMonitorCount == before + 2 }
            nodes[0].send("return", to: watcher)  // the body returns: the process exits normally
            try await eventually("the monitors dropped") { kernel.nodeMonitorCount == before }
        }
    }

    @Test func subscribing_a_process_that_already_exited_leaves_no_subscription() async throws {
        try await withConnectedNodes(2) { nodes in
            let kernel = try #require(nodes[0].kernel)
            let (subscribers, monitors) = (kernel.nodesMonitorSubscriberCount, kernel.nodeMonitorCount)
            let gone = try await nodes[0].withProcess { me in
                let (pid, _) = me.spawnMonitor { _ in }
                _ = try await me.receive(DownMessage.self) { $0.pid == pid }
                return pid
            }
            nodes[0].monitorNodes(gone)
            nodes[0].monitorNode(nodes[1].name, watcher: gone)
            #expect(kernel.nodesMonitorSubscriberCount == subscribers)
            #expect(kernel.nodeMonitorCount == monitors)
        }
    }
}
