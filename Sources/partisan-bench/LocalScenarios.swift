import Partisan
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The scenarios of one node: message passing, spawning, process memory.
enum LocalScenarios {
    static let all: [Scenario] = [
        Scenario(name: "local-send", run: localSend),
        Scenario(name: "local-send-pairs", run: localSendPairs),
        Scenario(name: "local-pingpong", run: localPingPong),
        Scenario(name: "spawn", run: spawnRate),
        Scenario(name: "process-memory", run: processMemory),
    ]

    private struct Done: Sendable {}
    private struct Ping: Sendable { let from: Pid }
    private struct Pong: Sendable {}

    /// One-way messages per second from `pairs` senders, each to its own receiver, summed.
    private static func sendThroughput(_ settings: BenchSettings, pairs: Int, count: Int) async throws -> Double {
        let runtime = settings.runtime()
        let perPair = count / pairs
        return try await runtime.withProcess { me in
            let collector = me.pid
            let receivers = (0..<pairs).map { _ in
                me.spawn { ctx in
                    for _ in 0..<perPair { _ = try await ctx.receive() }
                    ctx.send(Done(), to: collector)
                }
            }
            let clock = ContinuousClock()
            let start = clock.now
            for receiver in receivers {
                me.spawn { ctx in
                    for i in 0..<perPair { ctx.send(i, to: receiver) }
                }
            }
            for _ in 0..<pairs { _ = try await me.receive(Done.self) }
            return (clock.now - start).inSeconds
        }
    }

    static func localSend(_ settings: BenchSettings) async throws -> BenchResult {
        let rates = try await repeatRate(settings, name: "local-send", warmupCount: 500_000) {
            try await sendThroughput(settings, pairs: 1, count: $0)
        }
        return BenchResult(
            scenario: "local-send", value: Stats(rates).median, unit: "msgs/s", details: [("runs", .numbers(rates))])
    }

    static func localSendPairs(_ settings: BenchSettings) async throws -> BenchResult {
        let pairs = 2 * systemCoreCount()
        let rates = try await repeatRate(settings, name: "local-send-pairs", warmupCount: 500_000) {
            try await sendThroughput(settings, pairs: pairs, count: $0)
        }
        return BenchResult(
            scenario: "local-send-pairs", value: Stats(rates).median, unit: "msgs/s",
            details: [("pairs", .number(Double(pairs))), ("runs", .numbers(rates))])
    }

    static func localPingPong(_ settings: BenchSettings) async throws -> BenchResult {
        try await repeatLatency(settings, scenario: "local-pingpong", rateKey: "round_trips_per_s") {
            let roundTrips = 200_000
            return try await settings.runtime().withProcess { me in
                let echo = me.spawn { ctx in
                    while true {
                        let ping = try await ctx.receive(Ping.self)
                        ctx.send(Pong(), to: ping.from)
                    }
                }
                defer { me.exit(echo, .kill) }
                let clock = ContinuousClock()
                var samples: [Double] = []
                samples.reserveCapacity(roundTrips)
                let begin = clock.now
                for _ in 0..<roundTrips {
                    let start = clock.now
                    me.send(Ping(from: me.pid), to: echo)
                    _ = try await me.receive(Pong.self)
                    samples.append((clock.now - start).inSeconds * 1e6)
                }
                return (samples, Double(roundTrips) / (clock.now - begin).inSeconds)
            }
        }
    }

    static func spawnRate(_ settings: BenchSettings) async throws -> BenchResult {
        let rates = try await repeatRate(settings, name: "spawn", warmupCount: 100_000) { count in
            // Spawned from a process, as Erlang's counterpart does; done when all have exited.
            // The spawner yields every 1,000 spawns, as BEAM pre-empts a process after its
            // reduction budget: without it, all children are created (in fresh, page-faulting
            // memory) before any of them runs.
            let runtime = settings.runtime()
            let clock = ContinuousClock()
            let start = try await runtime.withProcess { me in
                let start = clock.now
                for i in 0..<count {
                    me.spawn { _ in }
                    if i % 1_000 == 999 { await Task.yield() }
                }
                return start
            }
            // Poll gently: a busy poll would take a core from the processes being measured.
            while runtime.processCount > 0 { try await Task.sleep(for: .microseconds(500)) }
            return (clock.now - start).inSeconds
        }
        return BenchResult(
            scenario: "spawn", value: Stats(rates).median, unit: "procs/s", details: [("runs", .numbers(rates))])
    }

    static func processMemory(_ settings: BenchSettings) async throws -> BenchResult {
        let count = 100_000
        let runtime = settings.runtime()
        let started = Atomic<Int>(0)
        var rss: [Double] = []
        // Every run adds 100,000 idle processes on top of the earlier ones, so each run's
        // growth is fresh memory (freed memory would be reused and hide the cost).
        for run in 0...settings.runs {
            let rssBefore = residentBytes()
            let target = started.load(ordering: .relaxed) + count
            for _ in 0..<count {
                runtime.spawn { ctx in
                    started.add(1, ordering: .relaxed)
                    // Idle the way a server does: waiting in a typed receive.
                    _ = try await ctx.receive(Int.self)
                }
            }
            while started.load(ordering: .relaxed) < target { try await Task.sleep(for: .milliseconds(1)) }
            // Let the last bodies reach their parked receive.
            try await Task.sleep(for: .milliseconds(50))
            let perProcess = Double(residentBytes() - rssBefore) / Double(count)
            progress("process-memory: run \(run): \(Int(perProcess)) B resident per process")
            if run > 0 { rss.append(perProcess) }
        }
        for pid in runtime.processes { runtime.exit(pid, .kill) }
        while runtime.processCount > 0 { try await Task.sleep(for: .milliseconds(1)) }
        // Resident memory grown per idle process: the task and its frame, the process control
        // block and its table entry, as the OS sees them.
        return BenchResult(
            scenario: "process-memory", value: Stats(rss).median, unit: "bytes/process",
            details: [("processes", .number(Double(count))), ("runs", .numbers(rss))])
    }
}

/// The resident set size of this OS process, from `/proc/self/statm`.
func residentBytes() -> Int {
    #if canImport(Glibc)
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size = 0
        var resident = 0
        guard readStatm(file, &size, &resident) else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    #else
        return 0
    #endif
}

#if canImport(Glibc)
    private func readStatm(_ file: UnsafeMutablePointer<FILE>, _ size: inout Int, _ resident: inout Int) -> Bool {
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let s = Int(fields[0]), let r = Int(fields[1]) else { return false }
        size = s
        resident = r
        return true
    }
#endif

/// The number of cores the OS reports online.
func systemCoreCount() -> Int {
    #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
        return 2
    #endif
}
