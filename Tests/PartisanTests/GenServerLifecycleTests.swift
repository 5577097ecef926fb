import Partisan
import PartisanTestSupport
import Testing

/// What a `LifecycleProbe` server reports to its observer.
enum LifecycleEvent: Sendable, Equatable {
    case initialized
    case continued(String)
    case timedOut
    case info(String)
    case exit(ExitReason)
    case down(ExitReason)
    case terminated(ExitReason)
}

/// A server that reports its callbacks to an observer process.
struct LifecycleProbe: GenServer {
    enum Init: Sendable {
        case ok
        case okTimeout(Duration)
        case okContinue, ignore, stop, crash
    }
    enum Call: Sendable {
        case ping
        case stopWith(ExitReason)
        case stuck
        case monitor(Pid)
    }
    enum Cast: Sendable {
        case crash
        case idleTimeout(Duration)
    }
    typealias Reply = String
    typealias Continue = String

    let observer: Pid
    let start: Init
    var trapExit = false

    func report(_ event: LifecycleEvent, _ context: GenServerContext) { context.process.send(event, to: observer) }

    mutating func initialize(context: GenServerContext) async throws -> InitResult<String> {
        context.process.trapExit = trapExit
        report(.initialized, context)
        switch start {
        case .ok: return .ok()
        case .okTimeout(let duration): return .ok(.timeout(duration))
        case .okContinue: return .ok(.continue("from init"))
        case .ignore: return .ignore
        case .stop: return .stop(.shutdownWith(.atom("no")))
        case .crash: throw CounterFailure()
        }
    }

    mutating func handleCall(_ request: Call, from: CallerRef<String>, context: GenServerContext) async throws
        -> CallResult<String, String>
    {
        switch request {
        case .ping: return .reply("pong")
        case .stopWith(let reason): return .stop(reason, reply: "bye")
        case .stuck:
            report(.info("stuck"), context)
            try await Task.sleep(for: .seconds(3600))
            return .reply("woke")
        case .monitor(let pid):
            context.process.monitor(pid)
            return .reply("monitoring")
        }
    }

    mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<String> {
        switch request {
        case .crash: throw CounterFailure()
        case .idleTimeout(let duration): return .noreply(.timeout(duration))
        }
    }

    mutating func handleInfo(_ message: any Sendable, context: GenServerContext) async throws -> NoReplyResult<String> {
        switch message {
        case is GenServerTimeout: report(.timedOut, context)
        case let exit as ExitMessage: report(.exit(exit.reason), context)
        case let down as DownMessage: report(.down(down.reason), context)
        case let text as String: report(.info(text), context)
        default: break
        }
        return .noreply()
    }

    mutating func handleContinue(_ value: String, context: GenServerContext) async throws -> NoReplyResult<String> {
        report(.continued(value), context)
        return .noreply()
    }

    mutating func terminate(reason: ExitReason, context: GenServerContext) async {
        report(.terminated(reason), context)
    }
}

@Suite struct GenServerLifecycleTests {
    let node: PartisanNode

    init() async throws {
        node = try await PartisanNode.start(name: "gslife@127.0.0.1")
    }

    private func next(_ me: ProcessContext) async throws -> LifecycleEvent? {
        try await me.receive(LifecycleEvent.self, timeout: .seconds(10))
    }

    @Test func start_registers_the_name_and_a_second_start_reports_already_started() async throws {
        let events: [LifecycleEvent?] = try await node.withProcess { me in
            let first = try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .ok), name: "probe-name")
            #expect(node.whereis("probe-name") == first.pid)
            await #expect(throws: GenServerStartError.alreadyStarted(first.pid!)) {
                try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .ok), name: "probe-name")
            }
            #expect(try await first.call(.ping) == "pong")
            try await first.stop()
            return [try await next(me), try await next(me)]
        }
        #expect(events == [.initialized, .terminated(.normal)])
    }

    @Test func init_results_ignore_stop_and_a_throw_fail_the_start_without_killing_the_caller() async throws {
        try await node.withProcess { me in
            await #expect(throws: GenServerStartError.ignored) {
                try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .ignore), linkage: .linked)
            }
            await #expect(throws: GenServerStartError.failed(.shutdownWith(.atom("no")))) {
                try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .stop), linkage: .linked)
            }
            await #expect(throws: GenServerStartError.failed(.crashed(ProcessCrash(CounterFailure())))) {
                try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .crash), linkage: .linked)
            }
            #expect(me.isAlive)
            #expect(me.links.isEmpty)
        }
    }

    @Test func continue_from_init_runs_before_any_message() async throws {
        let events: [LifecycleEvent?] = try await node.withProcess { me in
            let probe = try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .okContinue))
            #expect(try await probe.call(.ping) == "pong")
            try await probe.stop()
            return [try await next(me), try await next(me), try await next(me)]
        }
        #expect(events == [.initialized, .continued("from init"), .terminated(.normal)])
    }

    @Test func a_timeout_action_delivers_GenServerTimeout_after_a_quiet_period() async throws {
        let events: [LifecycleEvent?] = try await node.withProcess { me in
            let probe = try await me.startGenServer(
                LifecycleProbe(observer: me.pid, start: .okTimeout(.milliseconds(20))))
            let first = [try await next(me), try await next(me)]
            probe.cast(.idleTimeout(.milliseconds(20)))
            let second = try await next(me)
            try await probe.stop()
            return first + [second]
        }
        #expect(events == [.initialized, .timedOut, .timedOut])
    }

    @Test func a_message_before_the_timeout_cancels_it() async throws {
        let events: [LifecycleEvent?] = try await node.withProcess { me in
            let probe = try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .okTimeout(.seconds(3600))))
            _ = try await next(me)
            me.send("hello", to: probe.pid!)
            let info = try await next(me)
            try await probe.stop()
            return [info, try await next(me)]
        }
        #expect(events == [.info("hello"), .terminated(.normal)])
    }

    @Test func a_crash_in_a_handler_runs_terminate_and_signals_links() async throws {
        let (events, exit): ([LifecycleEvent?], ExitMessage) = try await node.withProcess([.trapExit]) { me in
            let probe = try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .ok), linkage: .linked)
            probe.cast(.crash)
            let events = [try await next(me), try await next(me)]
            return (events, try await me.receive(ExitMessage.self))
        }
        let crash = ExitReason.crashed(ProcessCrash(CounterFailure()))
        #expect(events == [.initialized, .terminated(crash)])
        #expect(exit.reason == crash)
    }

    @Test func stop_with_reason_and_reply_answers_then_terminates() async throws {
        let (answer, events): (String, [LifecycleEvent?]) = try await node.withProcess { me in
            let probe = try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .ok))
            let answer = try await probe.call(.stopWith(.shutdown))
            return (answer, [try await next(me), try await next(me)])
        }
        #expect(answer == "bye")
        #expect(events == [.initialized, .terminated(.shutdown)])
    }

    @Test func a_trapping_server_gets_EXIT_in_handle_info_and_DOWN_too() async throws {
        let events: [LifecycleEvent?] = try await node.withProcess { me in
            var spec = LifecycleProbe(observer: me.pid, start: .ok)
            spec.trapExit = true
            let probe = try await me.startGenServer(spec)
            let friend = me.spawn { ctx in
                try ctx.link(probe.pid!)
                _ = try await ctx.receive(String.self)
                throw CounterFailure()
            }
            try await eventually { node.details(of: probe.pid!)?.links.contains(friend) == true }
            #expect(try await probe.call(.monitor(friend)) == "monitoring")
            me.send("go", to: friend)
            let events = [try await next(me), try await next(me), try await next(me)]
            try await probe.stop()
            return events
        }
        let crash = ExitReason.crashed(ProcessCrash(CounterFailure()))
        #expect(events.first == .initialized)
        #expect(
            Set(events.dropFirst().compactMap { $0.map { "\($0)" } }) == [
                "\(LifecycleEvent.exit(crash))", "\(LifecycleEvent.down(crash))",
            ])
    }

    @Test func a_parents_exit_stops_a_trapping_linked_server_with_terminate() async throws {
        let events: [LifecycleEvent?] = try await node.withProcess { me in
            let observer = me.pid
            let parent = me.spawn { ctx in
                var spec = LifecycleProbe(observer: observer, start: .ok)
                spec.trapExit = true
                _ = try await ctx.startGenServer(spec, name: "child-of-parent", linkage: .linked)
                _ = try await ctx.receive(String.self)
                try ctx.exit(.shutdown)
            }
            _ = try await next(me)
            me.send("quit", to: parent)
            return [try await next(me)]
        }
        #expect(events == [.terminated(.shutdown)])
    }

    @Test func stop_with_a_timeout_on_a_server_stuck_in_a_handler_times_out() async throws {
        try await node.withProcess { me in
            let probe = try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .ok))
            _ = try await next(me)
            me.spawn { _ in _ = try? await probe.call(.stuck, timeout: .infinity) }
            #expect(try await next(me) == .info("stuck"))
            await #expect(throws: GenServerError.timeout) { try await probe.stop(timeout: .milliseconds(50)) }
            #expect(node.runtime.isAlive(probe.pid!))
            node.exit(probe.pid!, .kill)
        }
    }

    @Test func a_monitored_start_returns_the_monitor() async throws {
        let reason: ExitReason = try await node.withProcess { me in
            let (probe, monitor) = try await me.startMonitoredGenServer(LifecycleProbe(observer: me.pid, start: .ok))
            try await probe.stop(.shutdown)
            return try await me.receive(DownMessage.self) { $0.ref == monitor }.reason
        }
        #expect(reason == .shutdown)
    }
}
