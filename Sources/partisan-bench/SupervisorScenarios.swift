import Logging
import Partisan

/// The behaviour scenarios of supervisors: how long a one_for_one restart takes.
enum SupervisorScenarios {
    static let all: [Scenario] = [
        Scenario(name: "supervisor-restart") { try await restart($0, kill: false) },
        Scenario(name: "supervisor-restart-kill") { try await restart($0, kill: true) },
    ]

    /// Restarts measured per run (Erlang's `bench_local:sup_restart` also uses 20,000).
    private static let restartsPerRun = 20_000
    /// Restarts per supervisor before it is replaced (untimed), as Erlang's bench does: the
    /// restart history a supervisor keeps stays short, and intensity 100 per second is never
    /// reached.
    private static let restartsPerSupervisor = 10

    /// What a worker's `initialize` sends its listener: its pid and when it became ready.
    struct Started: Sendable {
        let pid: Pid
        let at: ContinuousClock.Instant
    }

    /// The supervised child: Erlang's `bench_worker` (stamps the end of its init, crashes on
    /// the `crash` cast).
    struct BenchWorker: GenServer {
        enum Call: Sendable { case ping }
        enum Cast: Sendable { case crash }
        typealias Reply = String
        struct Crash: Error {}

        let listener: Pid

        mutating func initialize(context: GenServerContext) async throws -> InitResult<Never> {
            context.process.send(Started(pid: context.pid, at: .now), to: listener)
            return .ok()
        }

        mutating func handleCall(_ request: Call, from: CallerRef<String>, context: GenServerContext) async throws
            -> CallResult<String, Never>
        {
            .reply("pong")
        }

        mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<Never> {
            throw Crash()
        }
    }

    /// µs from the crash (or the kill) of the child to the end of its replacement's
    /// `initialize`; p50 and p99 per run, medians over runs.
    static func restart(_ settings: BenchSettings, kill: Bool) async throws -> BenchResult {
        let name = kill ? "supervisor-restart-kill" : "supervisor-restart"
        // Reports dropped, as the Erlang side runs with logger level `critical`.
        var quiet = Logger(label: "bench")
        quiet.logLevel = .critical
        var p50s: [Double] = []
        var p99s: [Double] = []
        for run in 0...settings.runs {
            let runtime = ProcessRuntime(
                node: "bench@127.0.0.1", logger: quiet,
                executor: settings.scheduler == .partisan ? ProcessScheduler.shared : nil)
            let samples = try await runtime.withProcess { me in
                try await measure(count: restartsPerRun, kill: kill, from: me)
            }
            let stats = Stats(samples)
            progress("\(name): run \(run): p50 \(stats.median) µs, p99 \(stats.percentile(99)) µs")
            if run == 0 { continue }  // warm-up
            p50s.append(stats.median)
            p99s.append(stats.percentile(99))
        }
        return BenchResult(
            scenario: name, value: Stats(p50s).median, unit: "us",
            details: [
                ("p50_us", .number(Stats(p50s).median)), ("p99_us", .number(Stats(p99s).median)),
                ("restarts_per_run", .number(Double(restartsPerRun))),
                ("restarts_per_supervisor", .number(Double(restartsPerSupervisor))), ("runs", .numbers(p50s)),
            ])
    }

    private static func measure(count: Int, kill: Bool, from me: ProcessContext) async throws -> [Double] {
        let listener = me.pid
        let flags = SupervisorFlags(strategy: .oneForOne, intensity: 100, period: .seconds(1))
        let child = ChildSpec.genServer(id: "worker", name: "bench_worker", shutdown: .timeout(.seconds(1))) {
            BenchWorker(listener: listener)
        }
        var samples: [Double] = []
        samples.reserveCapacity(count)
        while samples.count < count {
            let supervisor = try await me.startSupervisor(flags, children: [child])
            var worker = try await me.receive(Started.self).pid
            for _ in 0..<min(restartsPerSupervisor, count - samples.count) {
                let t0 = ContinuousClock.now
                if kill {
                    me.exit(worker, .kill)
                } else {
                    GenServerRef<BenchWorker>(pid: worker, on: me.runtime).cast(.crash)
                }
                let replacement = try await me.receive(Started.self) { $0.pid != worker }
                samples.append(microseconds(replacement.at - t0))
                worker = replacement.pid
            }
            try await supervisor.stop(.shutdown)
        }
        return samples
    }

    private static func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
}
