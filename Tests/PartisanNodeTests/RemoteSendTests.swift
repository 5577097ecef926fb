import Partisan
import PartisanTestSupport
import Testing

/// A typed message that crosses nodes.
struct Greeting: Codable, Sendable, Hashable {
    let text: String
    let from: Pid
}

@Suite struct RemoteSendTests {
    @Test func a_message_reaches_a_pid_on_another_node_typed_with_its_sender() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            b.registerMessageType(Greeting.self)
            let got = try await b.withProcess { me in
                let target = me.pid
                a.spawn { ctx in ctx.send(Greeting(text: "hi", from: ctx.pid), to: target) }
                return try await me.receive(Greeting.self, timeout: .seconds(10))
            }
            #expect(got?.text == "hi")
            #expect(got?.from.node == a.name)
        }
    }

    @Test func a_message_to_name_at_node_reaches_the_registered_process() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            b.registerMessageType(Greeting.self)
            let echo = b.spawn { ctx in
                let greeting = try await ctx.receive(Greeting.self)
                ctx.send("echo: \(greeting.text)", to: greeting.from)
            }
            try b.register("echo", echo)
            let answer = try await a.withProcess { me in
                try me.send(Greeting(text: "ping", from: me.pid), to: RegisteredName("echo", on: b.name)!)
                return try await me.receive(String.self, timeout: .seconds(10))
            }
            #expect(answer == "echo: ping")
        }
    }

    /// A node with fewer channels (a tool, a client) can connect to one with more: the bigger
    /// node dials back only the channels both have.
    @Test func a_node_with_a_subset_of_the_channels_connects_and_talks() async throws {
        let big = try await startNode("sub-big@127.0.0.1", cookie: "subset") {
            $0.channels = [
                ChannelSpec(name: "default", parallelism: 3), ChannelSpec(name: "bulk", parallelism: 2), .membership,
            ]
        }
        let small = try await PartisanNode.start(name: "sub-small@127.0.0.1", cookie: "subset")
        defer {
            Task {
                await small.shutdown()
                await big.shutdown()
            }
        }
        _ = try await small.connect(to: big.listenAddress!)
        try await eventually { big.isConnected(small.name) }
        let echo = big.spawn { ctx in
            let from = try await ctx.receive(Pid.self)
            ctx.send("hello back", to: from)
        }
        let reply = try await small.withProcess { me in
            me.send(me.pid, to: echo)
            return try await me.receive(String.self, timeout: .seconds(10))
        }
        #expect(reply == "hello back")
    }

    @Test func messages_from_one_sender_arrive_in_order() async throws {
        let count = 5_000
        try await withConnectedNodes(2, channels: [ChannelSpec(name: "default", parallelism: 4)]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let received = try await b.withProcess { me in
                let target = me.pid
                for sender in 0..<3 {
                    a.spawn { ctx in for n in 0..<count { ctx.send([sender, n], to: target) } }
                }
                var next = [0, 0, 0]
                for _ in 0..<(3 * count) {
                    guard let message = try await me.receive([Int].self, timeout: .seconds(20)) else { break }
                    guard message[1] == next[message[0]] else { return false }
                    next[message[0]] += 1
                }
                return next == [count, count, count]
            }
            #expect(received)
        }
    }

    @Test func a_message_sent_before_an_exit_signal_arrives_before_it() async throws {
        try await withConnectedNodes(2, channels: [ChannelSpec(name: "default", parallelism: 4)]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let order = try await b.withProcess(.trapExit) { me in
                let target = me.pid
                a.spawn { ctx in
                    for n in 0..<100 { ctx.send(n, to: target) }
                    ctx.exit(target, .shutdown)
                }
                var seen: [String] = []
                while seen.count < 101, let message = try await me.receive(timeout: .seconds(10)) {
                    seen.append(message is ExitMessage ? "exit" : "\(message)")
                }
                return seen
            }
            #expect(order == (0..<100).map { "\($0)" } + ["exit"])
        }
    }

    @Test func an_unregistered_type_arrives_as_its_raw_term() async throws {
        struct Unregistered: Codable, Sendable { let n: Int }
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let got = try await b.withProcess { me in
                a.send(Unregistered(n: 7), to: me.pid)
                a.send(Term.tuple([.atom("raw"), 1]), to: me.pid)
                let first = try await me.receive(Term.self, timeout: .seconds(10))
                let second = try await me.receive(Term.self, timeout: .seconds(10))
                return [first, second]
            }
            #expect(got == [.map([.atom("n"): 7]), .tuple([.atom("raw"), 1])])
        }
    }

    @Test func broadcast_reaches_the_name_on_every_connected_node() async throws {
        try await withConnectedNodes(3) { nodes in
            let collector = nodes[0].spawn { ctx in try await ctx.waitForever() }
            let receivedBy = EventCounter()
            for node in nodes.dropFirst() {
                let pid = node.spawn { ctx in
                    _ = try await ctx.receive(String.self)
                    receivedBy.add()
                }
                try node.register("listener", pid)
            }
            nodes[0].broadcast("hello", toName: "listener")
            try await eventually { receivedBy.value == 2 }
            nodes[0].exit(collector, .kill)
        }
    }
}
