import Partisan
import PartisanTestSupport
import Testing

/// Partisan's `forward_message/3` options: a message may take another channel, or another
/// connection of a channel, than its sender's other traffic.
@Suite struct DeliveryOptionsTests {
    static let channels = [
        ChannelSpec(name: "default", parallelism: 1), ChannelSpec(name: "bulk", parallelism: 3), .membership,
    ]

    @Test func a_message_on_another_channel_arrives() async throws {
        try await withConnectedNodes(2, channels: Self.channels) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let got = try await b.withProcess { me in
                let target = me.pid
                a.spawn { ctx in ctx.send("over bulk", to: target, options: .channel("bulk")) }
                return try await me.receive(String.self, timeout: .seconds(10))
            }
            #expect(got == "over bulk")
        }
    }

    @Test func messages_with_one_partition_key_arrive_in_order_on_a_parallel_channel() async throws {
        let count = 2_000
        try await withConnectedNodes(2, channels: Self.channels) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let inOrder = try await b.withProcess { me in
                let target = me.pid
                // Two senders share each key: order holds per key, whoever sends.
                for sender in 0..<2 {
                    a.spawn { ctx in
                        for n in 0..<count {
                            let key = n % 2
                            ctx.send(
                                [key, sender, n], to: target,
                                options: DeliveryOptions(channel: "bulk", partitionKey: key))
                        }
                    }
                }
                var next = [[0, 0], [0, 0]]
                for _ in 0..<(2 * count) {
                    guard let m = try await me.receive([Int].self, timeout: .seconds(20)) else { return false }
                    guard m[2] >= next[m[0]][m[1]] else { return false }
                    next[m[0]][m[1]] = m[2] + 1
                }
                return true
            }
            #expect(inOrder)
        }
    }

    @Test func a_message_to_a_channel_the_connection_lacks_is_dropped_and_later_traffic_flows() async throws {
        try await withConnectedNodes(2, channels: Self.channels) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let got = try await b.withProcess { me in
                let target = me.pid
                a.forwardMessage("lost", to: target, options: .channel("no-such-channel"))
                a.forwardMessage("kept", to: target, options: .channel("bulk"))
                return try await me.receive(String.self, timeout: .seconds(10))
            }
            #expect(got == "kept")
        }
    }

    @Test func a_name_at_node_can_be_reached_on_another_channel() async throws {
        try await withConnectedNodes(2, channels: Self.channels) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let got = try await b.withProcess { me in
                try b.register("inbox", me.pid)
                a.spawn { ctx in
                    try ctx.send("by name", to: RegisteredName("inbox", on: b.name)!, options: .channel("bulk"))
                }
                return try await me.receive(String.self, timeout: .seconds(10))
            }
            #expect(got == "by name")
        }
    }
}
