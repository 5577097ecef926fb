import PartisanTestSupport
import Testing

@testable import PartisanCore

@Suite struct ReceiveTests {
    let runtime = ProcessRuntime(node: "recv@127.0.0.1")

    @Test func a_process_receives_messages_in_fifo_order() async throws {
        let received: [Int] = try await runtime.withProcess { me in
            for i in 0..<100 { me.send(i, to: me.pid) }
            var out: [Int] = []
            for _ in 0..<100 { out.append(try await me.receive() as! Int) }
            return out
        }
        #expect(received == Array(0..<100))
    }

    @Test func order_between_one_sender_and_one_receiver_is_preserved() async throws {
        let count = 20_000
        let result: [Int] = try await runtime.withProcess { me in
            let collector = me.pid
            // Two senders interleave; each one's own sequence must stay in order.
            for sender in 0..<2 {
                me.runtime.spawn { ctx in
                    for i in 0..<count { ctx.send([sender, i], to: collector) }
                }
            }
            var next = [0, 0]
            var violations = 0
            for _ in 0..<(2 * count) {
                let pair = try await me.receive([Int].self)
                if pair[1] != next[pair[0]] { violations += 1 }
                next[pair[0]] = pair[1] + 1
            }
            return [violations] + next
        }
        #expect(result == [0, count, count])
    }

    @Test func selective_receive_by_type_leaves_other_messages_queued_in_order() async throws {
        let result: ([String], Int) = try await runtime.withProcess { me in
            me.send("a", to: me.pid)
            me.send(1, to: me.pid)
            me.send("b", to: me.pid)
            me.send(2, to: me.pid)
            let first = try await me.receive(Int.self)
            let rest = [try await me.receive() as! String, try await me.receive() as! String]
            #expect(try await me.receive() as? Int == 2)
            return (rest, first)
        }
        #expect(result.0 == ["a", "b"])
        #expect(result.1 == 1)
    }

    @Test func selective_receive_by_predicate_takes_the_first_match() async throws {
        let result: [Int] = try await runtime.withProcess { me in
            for i in [5, 8, 3, 10, 12] { me.send(i, to: me.pid) }
            let even = try await me.receive(Int.self) { $0 % 2 == 0 }
            let bigger = try await me.receive(where: { ($0 as? Int ?? 0) > 9 }) as! Int
            var rest: [Int] = []
            while let next = try await me.receive(timeout: .zero) { rest.append(next as! Int) }
            return [even, bigger] + rest
        }
        #expect(result == [8, 10, 5, 3, 12])
    }

    @Test func selective_receive_waits_for_a_matching_message_that_arrives_later() async throws {
        let got: String = try await runtime.withProcess { me in
            let target = me.pid
            me.runtime.spawn { ctx in
                ctx.send(1, to: target)
                ctx.send(2, to: target)
                ctx.send("match", to: target)
            }
            let match = try await me.receive(String.self)
            #expect(me.mailboxCount == 2)
            return match
        }
        #expect(got == "match")
    }

    @Test func receive_with_timeout_returns_nil_when_nothing_matches_in_time() async throws {
        let outcome: Bool = try await runtime.withProcess { me in
            me.send("not an int", to: me.pid)
            let clock = ContinuousClock()
            let start = clock.now
            let none = try await me.receive(Int.self, timeout: .milliseconds(50))
            let waited = clock.now - start
            #expect(waited >= .milliseconds(50))
            #expect(me.mailboxCount == 1)
            return none == nil
        }
        #expect(outcome)
    }

    @Test func receive_with_timeout_returns_a_message_that_arrives_in_time() async throws {
        let got: Int? = try await runtime.withProcess { me in
            let target = me.pid
            me.runtime.spawn { ctx in ctx.send(42, to: target) }
            return try await me.receive(Int.self, timeout: .seconds(30))
        }
        #expect(got == 42)
    }

    @Test func a_zero_timeout_only_looks_at_the_mailbox() async throws {
        let result: [Int?] = try await runtime.withProcess { me in
            let empty = try await me.receive(timeout: .zero) as? Int
            me.send(7, to: me.pid)
            let seven = try await me.receive(timeout: .zero) as? Int
            return [empty, seven]
        }
        #expect(result == [nil, 7])
    }

    @Test func cancelled_receive_timers_do_not_pile_up() async throws {
        try await runtime.withProcess { me in
            for i in 0..<1_000 {
                me.send(i, to: me.pid)
                _ = try await me.receive(timeout: .seconds(60))
            }
            // Timers are only scheduled when a receive parks; park and get woken many times.
            let target = me.pid
            for i in 0..<200 {
                me.runtime.spawn { ctx in ctx.send(i, to: target) }
                _ = try await me.receive(timeout: .seconds(60))
            }
        }
        try await eventually("timers of answered receives to be cancelled") { TimerService.shared.count < 50 }
    }

    @Test func thousands_of_processes_wait_in_receive_without_holding_threads() async throws {
        let count = 5_000
        let answers: Int = try await runtime.withProcess { me in
            let parent = me.pid
            var pids: [Pid] = []
            for _ in 0..<count {
                pids.append(
                    me.runtime.spawn { ctx in
                        let value = try await ctx.receive(Int.self)
                        ctx.send(value * 2, to: parent)
                    })
            }
            for (i, pid) in pids.enumerated() { me.send(i, to: pid) }
            var sum = 0
            for _ in 0..<count { sum += try await me.receive(Int.self) }
            return sum
        }
        #expect(answers == (0..<count).reduce(0, +) * 2)
    }

    @Test func mailbox_count_includes_messages_a_selective_receive_has_already_looked_at() async throws {
        let counts: [Int] = try await runtime.withProcess { me in
            for i in 0..<3 { me.send(i, to: me.pid) }
            // Scanning for a String moves the three Ints to the private inbox; they still count.
            let none = try await me.receive(String.self, timeout: .zero)
            #expect(none == nil)
            let before = me.mailboxCount
            me.send(3, to: me.pid)
            let after = me.mailboxCount
            return [before, after, me.details?.mailboxCount ?? -1]
        }
        #expect(counts == [3, 4, 4])
    }

    @Test func order_holds_across_messages_scanned_earlier_and_new_arrivals() async throws {
        let result: [Int] = try await runtime.withProcess { me in
            me.send(1, to: me.pid)
            me.send(2, to: me.pid)
            _ = try await me.receive(String.self, timeout: .zero)  // moves 1, 2 to the inbox
            me.send(3, to: me.pid)
            me.send("marker", to: me.pid)
            me.send(4, to: me.pid)
            #expect(try await me.receive(String.self) == "marker")
            var out: [Int] = []
            for _ in 0..<4 { out.append(try await me.receive(Int.self)) }
            return out
        }
        #expect(result == [1, 2, 3, 4])
    }

    @Test func demonitor_flush_removes_a_DOWN_already_looked_at() async throws {
        let remaining: Int = try await runtime.withProcess { me in
            let target = me.runtime.spawn { _ in }
            let ref = me.monitor(target)
            try await eventually { me.mailboxCount == 1 }
            _ = try await me.receive(String.self, timeout: .zero)  // moves the DOWN to the inbox
            me.demonitor(ref, flush: true)
            return me.mailboxCount
        }
        #expect(remaining == 0)
    }
}
