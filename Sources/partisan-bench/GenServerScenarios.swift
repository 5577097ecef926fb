import Partisan

/// GenServer scenarios: call round trip and cast throughput, as Erlang's `bench_local` (c.)
/// measures `gen_server:call` and `gen_server:cast`.
enum GenServerScenarios {
    static let all: [Scenario] = [
        Scenario(name: "genserver-call", run: call),
        Scenario(name: "genserver-cast", run: cast),
    ]

    /// The benchmarked server: answers pings, counts casts.
    struct BenchServer: GenServer {
        enum Call: Sendable { case ping, count }
        enum Cast: Sendable { case bump }
        typealias Reply = Int
        var count = 0

        mutating func handleCall(_ request: Call, from: CallerRef<Int>, context: GenServerContext) async throws
            -> CallResult<Int, Never>
        {
            switch request {
            case .ping: .reply(0)
            case .count: .reply(count)
            }
        }

        mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<Never> {
            count += 1
            return .noreply()
        }
    }

    /// p50/p99 of 200,000 timed calls from one client process, and the rate of back-to-back
    /// untimed calls.
    static func call(_ settings: BenchSettings) async throws -> BenchResult {
        try await repeatLatency(settings, scenario: "genserver-call", rateKey: "calls_per_s") {
            let runtime = settings.runtime()
            let server = try await runtime.startGenServer(BenchServer())
            let measured = try await runtime.withProcess { _ in
                let clock = ContinuousClock()
                var samples: [Double] = []
                samples.reserveCapacity(200_000)
                for _ in 0..<200_000 {
                    let start = clock.now
                    _ = try await server.call(.ping)
                    samples.append((clock.now - start).inSeconds * 1e6)
                }
                let untimed = max(10_000, Int(200_000 * settings.seconds))
                let begin = clock.now
                for _ in 0..<untimed { _ = try await server.call(.ping) }
                return (samples, Double(untimed) / (clock.now - begin).inSeconds)
            }
            try await server.stop()
            return measured
        }
    }

    /// N casts from one process, then a call that returns the count (so all were handled).
    static func cast(_ settings: BenchSettings) async throws -> BenchResult {
        let rates = try await repeatRate(settings, name: "genserver-cast", warmupCount: 500_000) { count in
            let runtime = settings.runtime()
            let server = try await runtime.startGenServer(BenchServer())
            let elapsed = try await runtime.withProcess { _ in
                let clock = ContinuousClock()
                let start = clock.now
                for _ in 0..<count { server.cast(.bump) }
                let handled = try await server.call(.count, timeout: .infinity)
                precondition(handled == count, "lost casts: \(handled) of \(count)")
                return (clock.now - start).inSeconds
            }
            try await server.stop()
            return elapsed
        }
        return BenchResult(
            scenario: "genserver-cast", value: Stats(rates).median, unit: "casts/s",
            details: [("runs", .numbers(rates))])
    }
}
