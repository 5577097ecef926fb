import Partisan
import PartisanTestSupport
import Testing

/// OTP's event-processing rules, as `gen_statem_SUITE` checks them: postpone, inserted events,
/// state enter calls, replies from later states and from enter calls, stop-and-reply.
@Suite struct GenStatemEventTests {
    let node: PartisanNode

    init() async throws {
        node = try await PartisanNode.start(name: "statem-events@127.0.0.1")
    }

    @Test func postponed_events_are_retried_after_the_next_state_change_in_arrival_order() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(Script("x1", [.postpone], in: .a))
        machine.cast(Script("x2", [.postpone], in: .a))
        machine.cast(Script("keep"))  // keeping the state does not retry them
        machine.cast(Script("x3", [.postpone], in: .a))
        machine.cast(Script("go", [.go(.b)]))
        machine.cast(Script("later"))
        #expect(
            try await machine.call(.log) == [
                "x1@a", "x2@a", "keep@a", "x3@a", "go@a", "x1@b", "x2@b", "x3@b", "later@b",
            ])
        try await machine.stop()
    }

    @Test func an_event_postponed_again_waits_for_the_following_state_change() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(Script("x", [.postpone], in: .a, otherwise: [.postpone]))
        machine.cast(Script("toB", [.go(.b)], in: .a))
        machine.cast(Script("toB-again", [.go(.b)]))  // not a state change
        machine.cast(Script("toC", [.go(.c)]))
        #expect(try await machine.call(.log) == ["x@a", "toB@a", "x@b", "toB-again@b", "toC@b", "x@c"])
        try await machine.stop()
    }

    @Test func inserted_events_run_next_in_order_before_postponed_and_queued_ones() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(Script("p", [.postpone], in: .a))
        machine.cast(Script("go", [.go(.b), .insert(Script("i1")), .insert(Script("i2", [.insert(Script("i3"))]))]))
        machine.cast(Script("queued"))
        #expect(
            try await machine.call(.log) == ["p@a", "go@a", "i1@b", "i2@b", "i3@b", "p@b", "queued@b"])
        try await machine.stop()
    }

    @Test func a_postponed_call_is_answered_from_a_later_state() async throws {
        let machine = try await node.startGenStatem(Plain())
        async let answer = machine.call(.run(Script("ask", [.postpone], in: .a, otherwise: [.replyLog])))
        try await eventually { try await machine.call(.log).contains("ask@a") }
        machine.cast(Script("go", [.go(.b)]))
        #expect(try await answer == ["ask@a", "go@a", "ask@b"])
        try await machine.stop()
    }

    @Test func stop_and_reply_answers_then_terminates() async throws {
        try await node.withProcess { me in
            let machine = try await me.startGenStatem(Plain(observer: me.pid))
            let pid = try #require(machine.pid)
            let watch = me.monitor(pid)
            #expect(try await machine.call(.run(Script("bye", [.stopAndReplyLog(.shutdown)]))) == ["bye@a"])
            let terminated = try await me.receive(Terminated.self)
            #expect(terminated.reason == .shutdown)
            #expect(try await me.receive(DownMessage.self) { $0.ref == watch }.reason == .shutdown)
        }
    }

    @Test func the_initial_state_is_entered_from_itself() async throws {
        let machine = try await node.startGenStatem(Entering())
        #expect(try await machine.call(.log) == ["enter:a>a"])
        try await machine.stop()
    }

    @Test func enter_runs_on_state_changes_and_repeat_state_not_on_keep_state() async throws {
        let machine = try await node.startGenStatem(Entering())
        machine.cast(Script("go", [.go(.b), .insert(Script("inserted"))]))
        machine.cast(Script("same", [.go(.b)]))
        machine.cast(Script("keep"))
        machine.cast(Script("repeat", [.repeatState]))
        #expect(
            try await machine.call(.log) == [
                "enter:a>a", "go@a", "enter:a>b", "inserted@b", "same@b", "keep@b", "repeat@b", "enter:b>b",
            ])
        try await machine.stop()
    }

    @Test func enter_may_repeat_itself() async throws {
        let machine = try await node.startGenStatem(Entering(onEnter: [.b: [.repeatState]]))
        machine.cast(Script("go", [.go(.b)]))
        #expect(try await machine.call(.log) == ["enter:a>a", "go@a", "enter:a>b", "enter:b>b"])
        try await machine.stop()
    }

    @Test func a_call_can_be_answered_by_the_enter_call_of_the_next_state() async throws {
        let machine = try await node.startGenStatem(Entering(onEnter: [.b: [.replyLog]]))
        let reply = try await machine.call(.run(Script("go", [.savePending, .go(.b)])))
        #expect(reply == ["enter:a>a", "go@a", "enter:a>b"])
        try await machine.stop()
    }

    @Test func enter_may_set_a_state_timeout() async throws {
        let machine = try await node.startGenStatem(
            Entering(onEnter: [.b: [.stateTimeout(.milliseconds(10), "entered")]]))
        machine.cast(Script("go", [.go(.b)]))
        try await eventually { try await machine.call(.log).contains("st:entered@b") }
        try await machine.stop()
    }

    @Test func postpone_or_next_event_in_an_enter_call_crashes_the_machine() async throws {
        for forbidden in [Script.Step.postpone, .insert(Script("x"))] {
            try await node.withProcess { me in
                let machine = try await me.startGenStatem(Entering(observer: me.pid, onEnter: [.b: [forbidden]]))
                machine.cast(Script("go", [.go(.b)]))
                let terminated = try await me.receive(Terminated.self)
                guard case .crashed(let crash) = terminated.reason else {
                    Issue.record("expected a crash, got \(terminated.reason)")
                    return
                }
                #expect(crash.error is GenStatemCallbackError)
            }
        }
    }
}
