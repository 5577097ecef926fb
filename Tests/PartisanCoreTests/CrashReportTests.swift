import PartisanCore
import PartisanTestSupport
import Testing

private struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

/// A process that ends itself abnormally is logged at error level with its pid and reason
/// (Erlang's crash report); orderly exits, signals and `withProcess` are not. The report is
/// written before the exit's `DOWN` is delivered, so a test that saw the `DOWN` sees it.
@Suite struct CrashReportTests {
    let recorder = LogRecorder()
    let runtime: ProcessRuntime

    init() {
        runtime = ProcessRuntime(node: "crash-reports@127.0.0.1", logger: recorder.logger(level: .trace))
    }

    var crashReports: [String] { recorder.lines.filter { $0.hasPrefix("error process crashed") } }

    /// Spawns each body monitored, from a process, and waits for all their `DOWN`s.
    func runToExit(_ bodies: [@Sendable (ProcessContext) async throws -> Void]) async throws -> [Pid] {
        try await runtime.withProcess { me in
            let started = bodies.map { me.spawnMonitor([], $0).pid }
            for pid in started { _ = try await me.receive(DownMessage.self, timeout: .seconds(10)) { $0.pid == pid } }
            return started
        }
    }

    @Test func a_process_whose_body_throws_is_reported_at_error_with_its_pid_and_reason() async throws {
        let pids = try await runToExit([{ _ in throw Boom() }])
        #expect(crashReports.count == 1)
        let report = try #require(crashReports.first)
        #expect(report.contains("pid=\(pids[0])"))
        #expect(report.contains("reason=\(ExitReason.crashed(ProcessCrash(Boom())))"))
    }

    @Test func a_process_that_exits_itself_with_an_abnormal_reason_is_reported_with_its_name() async throws {
        let pids = try await runToExit([
            { ctx in
                try ctx.runtime.register("worker", ctx.pid)
                try ctx.exit(.other(.atom("bad_state")))
            }
        ])
        let report = try #require(crashReports.first)
        #expect(report.contains("pid=\(pids[0])") && report.contains("reason=bad_state"))
        #expect(report.contains("registered_name=worker"))
    }

    @Test func orderly_exits_are_not_reported() async throws {
        _ = try await runToExit([
            { _ in },
            { ctx in try ctx.exit(.normal) },
            { ctx in try ctx.exit(.shutdown) },
            { ctx in try ctx.exit(.shutdownWith(.atom("done"))) },
        ])
        #expect(crashReports.isEmpty)
    }

    @Test func a_process_ended_by_a_signal_is_not_reported_only_the_crash_that_sent_it() async throws {
        let (killed, crasher) = try await runtime.withProcess { me in
            let victim = me.spawnMonitor { ctx in try await ctx.waitForever() }
            me.exit(victim.pid, .kill)
            _ = try await me.receive(DownMessage.self, timeout: .seconds(10)) { $0.ref == victim.ref }
            // A crash kills the process linked to it: one report, the crasher's.
            let linked = me.spawnMonitor { ctx in
                _ = try ctx.spawnLink { _ in throw Boom() }
                try await ctx.waitForever()
            }
            _ = try await me.receive(DownMessage.self, timeout: .seconds(10)) { $0.ref == linked.ref }
            return (victim.pid, linked.pid)
        }
        #expect(crashReports.count == 1)
        #expect(!crashReports.contains { $0.contains("pid=\(killed)") || $0.contains("pid=\(crasher)") })
    }

    @Test func crash_reports_can_be_turned_off() async throws {
        runtime.crashReports = false
        _ = try await runToExit([{ _ in throw Boom() }])
        #expect(crashReports.isEmpty)
    }

    @Test func with_process_hands_the_error_to_its_caller_instead_of_reporting_it() async throws {
        try await runtime.withProcess { watcher in
            await #expect(throws: Boom.self) {
                try await watcher.runtime.withProcess { inner in
                    let ref = watcher.monitor(inner.pid)
                    watcher.send(ref, to: watcher.pid)
                    throw Boom()
                }
            }
            let ref = try await watcher.receive(Ref.self)
            _ = try await watcher.receive(DownMessage.self, timeout: .seconds(10)) { $0.ref == ref }
        }
        #expect(crashReports.isEmpty)
    }
}
