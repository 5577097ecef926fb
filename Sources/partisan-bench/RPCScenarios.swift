import Partisan

/// Remote calls through ``ERPC`` and to a `GenServer` by `name@node`, between two nodes as in
/// ``RemoteScenarios`` (the server node in a child OS process, or in this one with
/// `--in-process`). Erlang's counterparts are `erpc:call/4` and `gen_server:call({Name, Node}, _)`.
enum RPCScenarios {
    static let all: [Scenario] = [
        Scenario(name: "erpc-call", run: erpcCall),
        Scenario(name: "erpc-call-16", run: erpcCall16),
        Scenario(name: "remote-genserver-call", run: remoteGenServerCall),
    ]

    /// The function the calls run: returns its argument.
    static let echo = RemoteFunction<Int, Int>("bench.echo")
    /// The name of the echo server on the server node.
    static let echoServerName = "bench_echo"

    /// Adds the server side of these scenarios to `node` (called by ``RemoteScenarios/serve(on:)``).
    static func serve(on node: PartisanNode) async throws {
        node.registerFunction(echo) { $0 }
        _ = try await node.startGenServer(RemoteScenarios.Echo(), name: echoServerName)
    }

    /// How many timed calls one caller makes per repetition: about `seconds` of calls at
    /// ~4,000 calls/s.
    static func callsPerRun(_ settings: BenchSettings, callers: Int) -> Int {
        max(500, Int(4_000 * settings.seconds) / callers * (callers > 1 ? 4 : 1))
    }

    /// `n` timed calls of `call`, in µs.
    static func timed(_ n: Int, _ call: () async throws -> Void) async throws -> [Double] {
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(n)
        for _ in 0..<n {
            let start = clock.now
            try await call()
            samples.append((clock.now - start).inSeconds * 1e6)
        }
        return samples
    }

    /// `callers` processes on the client node, each making `n` timed calls with `call`;
    /// p50/p99 of all latencies pooled, rate = all calls / wall time.
    static func measure(
        _ settings: BenchSettings, scenario: String, callers: Int,
        _ prepare: @escaping @Sendable (RemoteScenarios.Pair) -> @Sendable () async throws -> Void
    ) async throws -> BenchResult {
        let n = callsPerRun(settings, callers: callers)
        var result = try await RemoteScenarios.withPair(settings) { pair in
            let call = prepare(pair)
            return try await repeatLatency(settings, scenario: scenario, rateKey: "calls_per_s") {
                try await pair.client.withProcess { me in
                    let collector = me.pid
                    let clock = ContinuousClock()
                    let start = clock.now
                    for _ in 0..<callers {
                        me.spawn { ctx in ctx.send(try await timed(n) { try await call() }, to: collector) }
                    }
                    var samples: [Double] = []
                    for _ in 0..<callers { samples += try await me.receive([Double].self) }
                    return (samples, Double(samples.count) / (clock.now - start).inSeconds)
                }
            }
        }
        result.details += [("callers", .number(Double(callers))), ("in_process", .text("\(settings.inProcess)"))]
        return result
    }

    /// One caller: `erpc:call` round trip p50/p99 and sequential calls/s.
    static func erpcCall(_ settings: BenchSettings) async throws -> BenchResult {
        try await measure(settings, scenario: "erpc-call", callers: 1) { pair in
            { _ = try await pair.client.erpc.call(echo, on: pair.server, 1) }
        }
    }

    /// 16 concurrent callers: calls/s and pooled p50/p99.
    static func erpcCall16(_ settings: BenchSettings) async throws -> BenchResult {
        try await measure(settings, scenario: "erpc-call-16", callers: 16) { pair in
            { _ = try await pair.client.erpc.call(echo, on: pair.server, 1) }
        }
    }

    /// One caller: `GenServerRef.call` to `bench_echo@server` (looked up once, then by pid).
    static func remoteGenServerCall(_ settings: BenchSettings) async throws -> BenchResult {
        try await measure(settings, scenario: "remote-genserver-call", callers: 1) { pair in
            let server = pair.client.genServer(RemoteScenarios.Echo.self, named: echoServerName, on: pair.server)
            return { _ = try await server.call(.ping) }
        }
    }
}
