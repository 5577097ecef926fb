import Partisan
import PartisanTestSupport
import Testing

extension Term {
    /// This term with every occurrence of `old` inside it replaced by `new`.
    func replacing(_ old: Term, with new: Term) -> Term {
        if self == old { return new }
        switch self {
        case .tuple(let elements): return .tuple(elements.map { $0.replacing(old, with: new) })
        case .list(let elements): return .list(elements.map { $0.replacing(old, with: new) })
        default: return self
        }
    }
}

/// Ports of Partisan's interposition tests (`forward_interposition_test`,
/// `forward_delay_interposition_test`, `receive_interposition_test`) over real TCP.
@Suite struct InterpositionTests {
    static func text(_ string: String) -> Term { .binary(Array(string.utf8)) }

    @Test func a_send_interposition_drops_matching_messages_until_it_is_removed() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let inbox = Inbox()
            let reader = inbox.spawnReader(on: b)
            try a.addSendInterposition(named: "drop-secrets") { message in
                message.peer == b.name && message.contains(Self.text("secret")) ? .drop : .pass
            }
            #expect(a.interpositions(.send) == ["drop-secrets"])
            // The verdict is given as the message is sent, so once "public" arrived "secret"
            // is known to be lost.
            a.forwardMessage("secret", to: reader)
            a.forwardMessage("public", to: reader)
            try await eventually { inbox.strings == ["public"] }

            #expect(a.removeSendInterposition(named: "drop-secrets"))
            #expect(!a.removeSendInterposition(named: "drop-secrets"))
            #expect(a.interpositions(.send).isEmpty)
            a.forwardMessage("secret", to: reader)
            try await eventually { inbox.strings == ["public", "secret"] }
        }
    }

    @Test func a_send_interposition_delays_a_message_past_later_ones() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let inbox = Inbox()
            let reader = inbox.spawnReader(on: b)
            try a.addSendInterposition(named: "hold-late") { message in
                message.contains(Self.text("late")) ? .delay(.milliseconds(300)) : .pass
            }
            let sent = ContinuousClock.now
            a.forwardMessage("late", to: reader)
            a.forwardMessage("early", to: reader)
            try await eventually { inbox.strings == ["early", "late"] }
            #expect(ContinuousClock.now - sent >= .milliseconds(300))
        }
    }

    @Test func a_receive_interposition_rewrites_drops_and_duplicates() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let inbox = Inbox()
            let reader = inbox.spawnReader(on: b)
            try b.addReceiveInterposition(named: "drop") { message in
                message.peer == a.name && message.contains(Self.text("drop me")) ? .drop : .pass
            }
            try b.addReceiveInterposition(named: "rewrite") { message in
                .rewrite(message.term.replacing(Self.text("hello"), with: Self.text("rewritten")))
            }
            try b.addReceiveInterposition(named: "twice") { message in
                message.contains(Self.text("twice")) ? .duplicate(2) : .pass
            }
            #expect(b.interpositions(.receive) == ["drop", "rewrite", "twice"])
            a.forwardMessage("drop me", to: reader)
            a.forwardMessage("hello", to: reader)
            a.forwardMessage("twice", to: reader)
            try await eventually { inbox.strings == ["rewritten", "twice", "twice"] }
        }
    }

    @Test func a_rewrite_into_nonsense_is_refused_by_the_receiver_like_any_bad_input() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            try a.addSendInterposition(named: "garble") { message in
                message.channel == ChannelSpec.default.name ? .rewrite(.atom("garbage")) : .pass
            }
            a.forwardMessage("anything", to: b.spawn { ctx in _ = try await ctx.receive() })
            // b closes the connection that carried it and the session ends; b keeps running.
            try await eventually { !a.isConnected(b.name) && !b.isConnected(a.name) }
            #expect(a.removeSendInterposition(named: "garble"))
            try await a.connect(to: b.listenAddress!)
            #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
        }
    }
}

/// Seeded schedules installed on a node, over TCP.
@Suite struct FaultScheduleNodeTests {
    @Test func a_reordering_schedule_delivers_every_message_once_but_not_in_order() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let inbox = Inbox()
            let reader = inbox.spawnReader(on: b)
            var schedule = FaultSchedule(seed: 11)
            try a.addSendInterposition(
                named: "shuffle", schedule.reordering(to: b.name, channel: "default", within: .milliseconds(50)))
            let sent = (0..<200).map { "m\($0)" }
            try await a.withProcess { me in for text in sent { me.send(text, to: reader) } }
            try await eventually("every message arrived") { inbox.strings.count == sent.count }
            #expect(Set(inbox.strings) == Set(sent) && inbox.strings.count == sent.count, "each exactly once")
            #expect(inbox.strings != sent, "200 messages delayed by 0-50 ms each overtake one another")
        }
    }

    @Test func a_dropping_schedule_loses_some_messages_to_its_peer_only() async throws {
        try await withConnectedNodes(3) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            let (atB, atC) = (Inbox(), Inbox())
            let (readerB, readerC) = (atB.spawnReader(on: b), atC.spawnReader(on: c))
            var schedule = FaultSchedule(seed: 5)
            try a.addSendInterposition(
                named: "lossy", schedule.dropping(percent: 50, to: b.name, channel: "default", for: .seconds(3_600)))
            for index in 0..<400 {
                a.forwardMessage("m\(index)", to: readerB)
                a.forwardMessage("m\(index)", to: readerC)
            }
            a.removeSendInterposition(named: "lossy")
            a.forwardMessage("last", to: readerB)
            try await eventually("c got everything, b its last message") {
                atC.strings.count == 400 && atB.strings.last == "last"
            }
            let lost = 400 - (atB.strings.count - 1)
            #expect((120...280).contains(lost), "about half of 400 lost: \(lost)")
        }
    }
}

/// The seeded faults of ``FaultSchedule``, as pure functions of the messages they see.
@Suite struct FaultScheduleTests {
    static let peer: Node = "peer@127.0.0.1"

    static func message(to peer: Node = peer, channel: String = "default") -> InterposedMessage {
        InterposedMessage(direction: .send, peer: peer, channel: channel, term: .atom("m"))
    }

    @Test func the_same_seed_makes_the_same_choices() {
        var first = FaultSchedule(seed: 7)
        var second = FaultSchedule(seed: 7)
        var other = FaultSchedule(seed: 8)
        let (a, b, c) = (
            first.dropping(percent: 50, to: Self.peer, for: .seconds(3_600)),
            second.dropping(percent: 50, to: Self.peer, for: .seconds(3_600)),
            other.dropping(percent: 50, to: Self.peer, for: .seconds(3_600))
        )
        let runA = (0..<200).map { _ in a(Self.message()) }
        #expect(runA == (0..<200).map { _ in b(Self.message()) })
        #expect(runA != (0..<200).map { _ in c(Self.message()) })
    }

    @Test func dropping_loses_about_the_share_asked_for_and_only_to_its_peer_and_channel() {
        var schedule = FaultSchedule(seed: 1)
        let drop = schedule.dropping(percent: 30, to: Self.peer, channel: "default", for: .seconds(3_600))
        let dropped = (0..<10_000).filter { _ in drop(Self.message()) == .drop }.count
        #expect((2_700...3_300).contains(dropped))
        #expect(drop(Self.message(to: "other@127.0.0.1")) == .pass)
        #expect(drop(Self.message(channel: "membership")) == .pass)
    }

    @Test func dropping_ends_when_its_time_is_up() {
        var schedule = FaultSchedule(seed: 1)
        let drop = schedule.dropping(percent: 100, to: Self.peer, for: .zero)
        #expect(drop(Self.message()) == .pass)
    }

    @Test func delays_stay_within_their_distribution() {
        var schedule = FaultSchedule(seed: 3)
        let reorder = schedule.reordering(to: Self.peer, within: .milliseconds(50))
        let delays = (0..<1_000).compactMap { _ in reorder(Self.message()).copies.first?.delay }
        #expect(delays.count == 1_000)
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .milliseconds(50) })
        #expect(Set(delays).count > 100, "delays differ, so messages overtake one another")
        let exponential = schedule.delaying(by: .exponential(mean: .milliseconds(10)))
        let drawn = (0..<2_000).compactMap { _ in exponential(Self.message()).copies.first?.delay }
        let mean = drawn.reduce(Duration.zero, +) / drawn.count
        #expect(mean > .milliseconds(7) && mean < .milliseconds(13))
        #expect(drawn.allSatisfy { $0 <= .milliseconds(200) })
    }
}
