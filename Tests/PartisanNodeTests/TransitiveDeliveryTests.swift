import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// Partisan's `forward_message` with `transitive => true`, over real TCP: a process message to
/// a node this node has no connection to travels through the HyParView overlay, within the
/// hop limit, once, and only from a sender on the node it came from.
@Suite struct TransitiveDeliveryTests {
    /// Runs `body` with HyParView nodes wired as a line (or a ring) and shuts them down after.
    func withLine(
        _ count: Int, ring: Bool = false, forwardHopLimit: Int = 5, _ body: ([PartisanNode]) async throws -> Void
    ) async throws {
        let nodes = try await startHyParViewLine(count, ring: ring, forwardHopLimit: forwardHopLimit)
        do {
            try await body(nodes)
        } catch {
            for node in nodes { await node.shutdown() }
            throw error
        }
        for node in nodes { await node.shutdown() }
    }

    @Test func a_transitive_message_reaches_a_pid_a_name_and_an_alias_on_a_node_without_a_connection() async throws {
        try await withLine(3) { nodes in
            let (a, c) = (nodes[0], nodes[2])
            #expect(!a.isConnected(c.name))
            let got = try await c.withProcess { me in
                try c.register("inbox", me.pid)
                let (pid, alias) = (me.pid, me.makeAlias())
                let name = RegisteredName("inbox", on: c.name)!
                a.spawn { ctx in
                    // Without `transitive` a node with no session is unreachable: dropped at once.
                    ctx.send("dropped", to: pid)
                    ctx.send("to pid", to: pid, options: .transitive)
                    try ctx.send("to name", to: name, options: .transitive)
                    ctx.send("to alias", to: alias, options: .transitive)
                }
                var got: Set<String> = []
                for _ in 0..<3 {
                    guard let message = try await me.receive(String.self, timeout: .seconds(10)) else { break }
                    got.insert(message)
                }
                return got
            }
            #expect(got == ["to pid", "to name", "to alias"])
            #expect(!a.isConnected(c.name))
        }
    }

    struct Ping: Codable, Sendable { let from: Pid }

    /// The example of `Guides/Overlays.md`'s "Forwarding through the overlay", on a line where
    /// `near` and `far` have no connection: the request and the reply both take the overlay.
    @Test func the_overlays_guide_example_runs() async throws {
        try await withLine(3) { nodes in
            let (near, far) = (nodes[0], nodes[2])
            near.registerMessageType(Ping.self)
            far.registerMessageType(Ping.self)
            let pong = far.spawn { ctx in
                while true {
                    let ping = try await ctx.receive(Ping.self)
                    ctx.send("pong", to: ping.from, options: .transitive)  // the reply may need the overlay too
                }
            }
            try far.register("pong", pong)

            let reply = try await near.withProcess { me in
                let server = RegisteredName("pong", on: far.name)!
                try me.send(Ping(from: me.pid), to: server, options: .transitive)  // {pong, Far} ! Ping, transitively
                return try await me.receive(String.self, timeout: .seconds(10))  // best effort: nil if lost
            }
            #expect(reply == "pong")
            #expect(!near.isConnected(far.name))
        }
    }

    @Test func a_gen_server_cast_travels_through_the_overlay() async throws {
        try await withLine(3) { nodes in
            let (a, c) = (nodes[0], nodes[2])
            a.registerMessageTypes(of: RemoteStore.self)
            c.registerMessageTypes(of: RemoteStore.self)
            _ = try await c.startGenServer(RemoteStore(), name: "store")
            a.castMessage(RemoteStore.self, named: "store", on: c.name, .add(5), options: .transitive)
            a.castMessage(RemoteStore.self, named: "store", on: c.name, .add(2), options: .transitive)
            let store = GenServerRef<RemoteStore>(name: "store", on: c.runtime)
            try await eventually("both casts applied") { try await store.call(.get) == 7 }
        }
    }

    @Test func a_forwarded_message_whose_sender_is_on_another_node_is_dropped_and_the_node_keeps_serving()
        async throws
    {
        try await withLine(3) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            let onB = b.spawn { ctx in _ = try await ctx.receive() }
            let first = try await c.withProcess { me in
                // What the kernel forwards, `{'$partisan_transitive', <<send control message>>}`,
                // made by hand from node a with a sender that is b's.
                let forged = Term.tuple([.atom("send"), .pid(me.pid), .pid(onB), .atom("forged")])
                let payload = Term.tuple([.atom("$partisan_transitive"), .binary(try ETF.encode(forged))])
                #expect(a.forwardThroughOverlay(payload, to: c.name))
                // The same path in a line: had the forged message been delivered, it would come first.
                a.forwardMessage("genuine", to: me.pid, options: .transitive)
                return try await me.receive(timeout: .seconds(10))
            }
            #expect(first as? String == "genuine")
            b.exit(onB, .kill)
        }
    }

    @Test func a_monitor_across_unconnected_nodes_still_needs_a_session() async throws {
        try await withLine(3) { nodes in
            let (a, c) = (nodes[0], nodes[2])
            let target = c.spawn { ctx in _ = try await ctx.receive() }
            let down = try await a.withProcess { me in
                let ref = me.monitor(target)
                return try await me.receive(DownMessage.self, timeout: .seconds(10)) { $0.ref == ref }
            }
            #expect(down?.reason == .noconnection)
            c.exit(target, .kill)
        }
    }

    @Test func a_transitive_message_goes_no_farther_than_the_hop_limit() async throws {
        try await withLine(4, forwardHopLimit: 2) { nodes in
            let marks = nodes.map(OverlayMarks.init(of:))
            let (n2, n3) = (nodes[2], nodes[3])
            let atTwo = try await n2.withProcess { me in
                nodes[0].forwardMessage("two hops", to: me.pid, options: .transitive)
                return try await me.receive(String.self, timeout: .seconds(10))
            }
            #expect(atTwo == "two hops")

            let atThree = try await n3.withProcess { me in
                nodes[0].forwardMessage("three hops", to: me.pid, options: .transitive)
                // Barrier: a mark along the same links after it, then one from n2 to n3: once it
                // is in, anything n2 had passed on to n3 before is in n3's mailbox too.
                #expect(nodes[0].forwardThroughOverlay(.atom("mark"), to: n2.name))
                try await eventually("the mark reaches n2") { marks[2].contains(.atom("mark")) }
                #expect(n2.forwardThroughOverlay(.atom("mark"), to: n3.name))
                try await eventually("the mark reaches n3") { marks[3].contains(.atom("mark")) }
                n3.send("done", to: me.pid)
                return try await me.receive(String.self, timeout: .seconds(10))
            }
            #expect(atThree == "done")
        }
    }

    @Test func a_transitive_message_is_delivered_once_when_several_paths_lead_to_the_target() async throws {
        let count = 20
        // A ring of six: n0 reaches n3 through n1–n2 and through n5–n4, three hops each way.
        try await withLine(6, ring: true, forwardHopLimit: 3) { nodes in
            let marks = nodes.map(OverlayMarks.init(of:))
            let target = nodes[3]
            #expect(!nodes[0].isConnected(target.name))
            let received = try await target.withProcess { me in
                for n in 0..<count { nodes[0].forwardMessage(n, to: me.pid, options: .transitive) }
                var received: [Int] = []
                while received.count < count, let n = try await me.receive(Int.self, timeout: .seconds(10)) {
                    received.append(n)
                }
                // Barrier on both paths: a mark from n0 to n2 (and n4) follows the copies on
                // n0–n1–n2 (n0–n5–n4); a mark from n2 (n4) to n3 follows what it passed on. With
                // the hop limit, each mark from n0 has one path only.
                for (middle, last) in [(2, 3), (4, 3)] {
                    #expect(nodes[0].forwardThroughOverlay(.atom("mark"), to: nodes[middle].name))
                    try await eventually("the mark reaches n\(middle)") {
                        marks[middle].contains(.atom("mark"))
                    }
                    #expect(nodes[middle].forwardThroughOverlay(.atom("mark\(middle)"), to: nodes[last].name))
                }
                try await eventually("both marks reach n3") {
                    marks[3].contains(.atom("mark2")) && marks[3].contains(.atom("mark4"))
                }
                target.send(-1, to: me.pid)
                while let n = try await me.receive(Int.self, timeout: .seconds(10)), n >= 0 { received.append(n) }
                return received
            }
            #expect(received.sorted() == Array(0..<count))
        }
    }
}

/// The payloads a node received through ``PartisanNode/forwardThroughOverlay(_:to:)``: the
/// marks the tests use as barriers.
final class OverlayMarks: Sendable {
    private let seen = Mutex<Set<Term>>([])

    init(of node: PartisanNode) {
        node.onOverlayDelivery { _, payload in self.seen.withLock { _ = $0.insert(payload) } }
    }

    func contains(_ mark: Term) -> Bool { seen.withLock { $0.contains(mark) } }
}
