import Partisan
import PartisanTestSupport
import Testing

/// The three kinds of timeout and their cancellation rules. Each test checks which timeouts
/// fire and in what order, never how long they took: a later "probe" timeout (or "end", which
/// stops the machine and reports its log) shows that an earlier one did not fire.
@Suite struct GenStatemTimeoutTests {
    let node: PartisanNode

    init() async throws {
        node = try await PartisanNode.start(name: "statem-timeouts@127.0.0.1")
    }

    /// Starts a machine reporting to the calling process, casts `script`, and returns the log
    /// its `terminate` reports (the script must end it, e.g. with an "end" timeout).
    private func finalLog(of script: Script) async throws -> [String] {
        try await node.withProcess { me in
            let machine = try await me.startGenStatem(Plain(observer: me.pid))
            machine.cast(script)
            return try await me.receive(Terminated.self).log
        }
    }

    @Test func an_event_timeout_fires_when_no_event_comes() async throws {
        let log = try await finalLog(
            of: Script("arm", [.eventTimeout(.milliseconds(10), "idle"), .timeout("end", .milliseconds(500), "")]))
        #expect(log == ["arm@a", "et:idle@a", "to:end:@a"])
    }

    @Test func any_event_cancels_the_event_timeout() async throws {
        let byMessage = try await finalLog(
            of: Script(
                "arm",
                [
                    .eventTimeout(.milliseconds(50), "idle"), .sendSelf("poke"),
                    .timeout("end", .milliseconds(300), ""),
                ]))
        #expect(byMessage == ["arm@a", "info:poke@a", "to:end:@a"])
        let byInserted = try await finalLog(
            of: Script(
                "arm",
                [
                    .eventTimeout(.milliseconds(50), "idle"), .insert(Script("i")),
                    .timeout("end", .milliseconds(300), ""),
                ]))
        #expect(byInserted == ["arm@a", "i@a", "to:end:@a"])
    }

    @Test func a_state_timeout_survives_keep_state_and_repeat_state() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(
            Script(
                "arm",
                [
                    .stateTimeout(.milliseconds(20), "st"), .insert(Script("keep")),
                    .insert(Script("repeat", [.repeatState])),
                ]))
        try await eventually { try await machine.call(.log).contains("st:st@a") }
        #expect(try await machine.call(.log) == ["arm@a", "keep@a", "repeat@a", "st:st@a"])
        try await machine.stop()
    }

    @Test func a_state_change_cancels_the_state_timeout() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(
            Script(
                "arm",
                [
                    .stateTimeout(.milliseconds(20), "st"), .timeout("probe", .milliseconds(200), "p"),
                    .insert(Script("go", [.go(.b)])),
                ]))
        try await eventually { try await machine.call(.log).contains("to:probe:p@b") }
        #expect(try await machine.call(.log) == ["arm@a", "go@a", "to:probe:p@b"])
        try await machine.stop()
    }

    @Test func a_state_timeout_set_with_the_state_change_belongs_to_the_new_state() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(Script("go", [.go(.b), .stateTimeout(.milliseconds(10), "st")]))
        try await eventually { try await machine.call(.log).contains("st:st@b") }
        try await machine.stop()
    }

    @Test func setting_a_state_timeout_again_restarts_it_and_infinity_cancels_it() async throws {
        let restarted = try await finalLog(
            of: Script(
                "arm",
                [
                    .stateTimeout(.milliseconds(10), "first"), .stateTimeout(.milliseconds(20), "second"),
                    .timeout("end", .milliseconds(300), ""),
                ]))
        #expect(restarted == ["arm@a", "st:second@a", "to:end:@a"])
        let cancelled = try await finalLog(
            of: Script(
                "arm",
                [
                    .stateTimeout(.milliseconds(10), "st"), .stateTimeout(nil, "never"),
                    .timeout("end", .milliseconds(200), ""),
                ]))
        #expect(cancelled == ["arm@a", "to:end:@a"])
        let explicitly = try await finalLog(
            of: Script(
                "arm",
                [
                    .stateTimeout(.milliseconds(10), "st"), .cancelStateTimeout,
                    .timeout("end", .milliseconds(200), ""),
                ]))
        #expect(explicitly == ["arm@a", "to:end:@a"])
    }

    @Test func generic_timeouts_run_side_by_side_and_survive_state_changes() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(
            Script(
                "arm",
                [
                    .timeout("slow", .milliseconds(60), "s"), .timeout("fast", .milliseconds(10), "f"),
                    .insert(Script("go", [.go(.b)])),
                ]))
        try await eventually { try await machine.call(.log).contains("to:slow:s@b") }
        #expect(try await machine.call(.log) == ["arm@a", "go@a", "to:fast:f@b", "to:slow:s@b"])
        try await machine.stop()
    }

    @Test func generic_timeouts_restart_by_name_and_cancel() async throws {
        let log = try await finalLog(
            of: Script(
                "arm",
                [
                    .timeout("x", .milliseconds(10), "old"), .timeout("x", .milliseconds(20), "new"),
                    .timeout("y", .milliseconds(10), "y"), .cancelTimeout("y"),
                    .timeout("z", .milliseconds(10), "z"), .timeout("z", nil, "never"),
                    .timeout("end", .milliseconds(300), ""),
                ]))
        #expect(log == ["arm@a", "to:x:new@a", "to:end:@a"])
    }

    @Test func zero_timeouts_come_after_queued_events_and_before_the_mailbox() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(
            Script(
                "z",
                [
                    .sendSelf("mail"), .stateTimeout(.zero, "st0"), .timeout("g", .zero, "g0"),
                    .insert(Script("i1")), .eventTimeout(.zero, "et0"),
                ]))
        // The inserted event cancels the zero event timeout; the others wait for it. ("mail" is
        // sent while the cast is handled, so this test's call may come before it: wait for it.)
        try await eventually { try await machine.call(.log).contains("info:mail@a") }
        #expect(try await machine.call(.log) == ["z@a", "i1@a", "st:st0@a", "to:g:g0@a", "info:mail@a"])
        try await machine.stop()
    }

    @Test func a_zero_event_timeout_with_nothing_queued_comes_before_the_mailbox() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(Script("z", [.sendSelf("mail"), .eventTimeout(.zero, "et0")]))
        try await eventually { try await machine.call(.log).contains("info:mail@a") }
        #expect(try await machine.call(.log) == ["z@a", "et:et0@a", "info:mail@a"])
        try await machine.stop()
    }

    @Test func a_zero_state_timeout_is_still_cancelled_by_a_state_change() async throws {
        let machine = try await node.startGenStatem(Plain())
        machine.cast(
            Script("z", [.stateTimeout(.zero, "st0"), .timeout("g", .zero, "g0"), .insert(Script("go", [.go(.b)]))]))
        #expect(try await machine.call(.log) == ["z@a", "go@a", "to:g:g0@b"])
        try await machine.stop()
    }
}
