import Foundation
import Partisan
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Scenarios between two nodes on 127.0.0.1, as Erlang's `bench_dist` (d.) measures
/// distributed Erlang. The server node runs in a child OS process (`partisan-bench
/// remote-server`), or in this process with `--in-process`.
enum RemoteScenarios {
    static let all: [Scenario] = [
        Scenario(name: "remote-send", run: send),
        Scenario(name: "remote-pingpong", run: pingPong),
        Scenario(name: "remote-pingpong-16", run: pingPong16),
        Scenario(name: "remote-1mib", run: oneMiB),
        Scenario(name: "hol", run: headOfLine),
    ]

    /// The echo server of the round trips (Erlang's `bench_srv`).
    struct Echo: GenServer {
        enum Call: Codable, Sendable { case ping }
        enum Cast: Codable, Sendable { case ignored }
        typealias Reply = Int

        mutating func handleCall(_ request: Call, from: CallerRef<Int>, context: GenServerContext) async throws
            -> CallResult<Int, Never>
        { .reply(0) }

        mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<Never> {
            .noreply()
        }
    }

    /// Asks the server node's directory for the echo server, or for a fresh sink that acks to
    /// `from` every `ackEvery` messages, on `channel` (the default channel when `nil`). The
    /// answer is a `Pid`.
    enum DirectoryRequest: Codable, Sendable {
        case echo(from: Pid)
        case sink(from: Pid, ackEvery: Int, channel: String?)
    }

    /// A sink's count of messages received so far; `final` after ``SinkStop``.
    struct SinkAck: Codable, Sendable {
        let received: Int
        let bytes: Int
        let final: Bool
    }

    /// Ends a sink (it acks once more, with `final`).
    struct SinkStop: Codable, Sendable {}

    static let directoryName = "bench_directory"

    static func registerTypes(_ node: PartisanNode) {
        node.registerMessageTypes(of: Echo.self)
        node.registerMessageType(DirectoryRequest.self)
        node.registerMessageType(SinkAck.self)
        node.registerMessageType(SinkStop.self)
        node.registerMessageType([UInt8].self)
    }

    static func channels(parallelism: Int) -> [ChannelSpec] {
        [ChannelSpec(name: ChannelSpec.default.name, parallelism: parallelism), bulk, .membership]
    }

    /// The channel `hol` streams its large messages on.
    static let bulk = ChannelSpec(name: "bulk", parallelism: 1)

    /// Starts the server side on `node`: the echo server and the directory.
    static func serve(on node: PartisanNode) async throws {
        registerTypes(node)
        let echo = try await node.runtime.startGenServer(Echo())
        let echoPid = echo.pid!
        let directory = node.spawn { ctx in
            while true {
                switch try await ctx.receive(DirectoryRequest.self) {
                case .echo(let from): ctx.send(echoPid, to: from)
                case .sink(let from, let ackEvery, let channel):
                    let acks = channel.map { DeliveryOptions.channel($0) } ?? .standard
                    let sink = ctx.spawn { ctx in
                        var received = 0
                        var bytes = 0
                        while true {
                            let message = try await ctx.receive()
                            if message is SinkStop {
                                ctx.send(
                                    SinkAck(received: received, bytes: bytes, final: true), to: from, options: acks)
                                return
                            }
                            received += 1
                            if let payload = message as? [UInt8] { bytes += payload.count }
                            if received % ackEvery == 0 {
                                ctx.send(
                                    SinkAck(received: received, bytes: bytes, final: false), to: from, options: acks)
                            }
                        }
                    }
                    ctx.send(sink, to: from)
                }
            }
        }
        try node.register(directoryName, directory)
        try await RPCScenarios.serve(on: node)
    }

    // MARK: - The two nodes

    /// A client node connected to a server node (in this process or a child process).
    final class Pair: Sendable {
        let client: PartisanNode
        let server: Node
        let local: PartisanNode?
        let child: ServerProcess?

        init(client: PartisanNode, server: Node, local: PartisanNode?, child: ServerProcess?) {
            self.client = client
            self.server = server
            self.local = local
            self.child = child
        }

        func close() async {
            await client.shutdown()
            if let local { await local.shutdown() }
            child?.stop()
        }

        /// Asks the server's directory; returns the pid it answers.
        func lookup(_ me: ProcessContext, _ request: DirectoryRequest) async throws -> Pid {
            try me.send(request, to: RegisteredName(directoryName, on: server)!)
            guard let pid = try await me.receive(Pid.self, timeout: .seconds(10)) else {
                throw BenchError.noAnswer("\(request)")
            }
            return pid
        }
    }

    enum BenchError: Error {
        case noAnswer(String)
        case badServerLine(String)
    }

    private static let serial = Atomic<Int>(0)

    /// The settings of a benchmark node: `channels`, `sharing`, `execution`, `busyWait`, and
    /// `tls` when given.
    static func nodeConfiguration(
        name: String, cookie: String, channels: [ChannelSpec], sharing: SharingChoice, execution: ExecutionChoice,
        busyWait: Duration, tls: TransportTLS?
    ) throws -> PartisanNode.Configuration {
        var configuration = PartisanNode.Configuration(name: try Node(validating: name), cookie: Cookie(cookie))
        configuration.execution = execution.execution
        configuration.distribution?.channels = channels
        configuration.distribution?.transport.connectionSharing = sharing.sharing
        configuration.distribution?.tls = tls
        configuration.distribution?.transport.busyWait = busyWait
        return configuration
    }

    static func withPair<T: Sendable>(
        _ settings: BenchSettings, parallelism: Int = 1, sharing: SharingChoice = .separate,
        _ body: (Pair) async throws -> T
    ) async throws -> T {
        let n = serial.wrappingAdd(1, ordering: .relaxed).oldValue
        let cookie = "bench-\(getpid())-\(n)"
        let pair: Pair
        let channels = channels(parallelism: parallelism)
        let tls = try settings.tls?.settings()
        let configuration = { (name: String) throws -> PartisanNode.Configuration in
            try nodeConfiguration(
                name: name, cookie: cookie, channels: channels, sharing: sharing, execution: settings.execution,
                busyWait: settings.busyWait, tls: tls)
        }
        if settings.inProcess {
            let server = try await PartisanNode.start(configuration("s\(n)@127.0.0.1"))
            try await serve(on: server)
            let client = try await PartisanNode.start(configuration("c\(n)@127.0.0.1"))
            registerTypes(client)
            _ = try await client.connect(to: server.listenAddress!)
            pair = Pair(client: client, server: server.name, local: server, child: nil)
        } else {
            let child = try ServerProcess.launch(
                cookie: cookie, parallelism: parallelism, sharing: sharing, execution: settings.execution,
                busyWait: settings.busyWait, tls: settings.tls)
            do {
                let client = try await PartisanNode.start(configuration("c\(n)_\(getpid())@127.0.0.1"))
                registerTypes(client)
                let name = try await client.connect(to: child.address)
                pair = Pair(client: client, server: name, local: nil, child: child)
            } catch {
                child.stop()
                throw error
            }
        }
        do {
            let start = ContinuousClock.now
            while !pair.client.isFullyConnected(pair.server) {
                if ContinuousClock.now - start > .seconds(10) { throw BenchError.noAnswer("connect") }
                try await Task.sleep(for: .milliseconds(5))
            }
            let result = try await body(pair)
            await pair.close()
            return result
        } catch {
            await pair.close()
            throw error
        }
    }

    // MARK: - Scenarios

    /// Sends `count` messages from `me` to a fresh sink, at most `window` unacknowledged;
    /// returns the seconds from the first send to the sink's final ack.
    private static func stream(
        _ pair: Pair, _ me: ProcessContext, count: Int, window: Int, ackEvery: Int,
        message: @Sendable (Int) -> any Sendable
    ) async throws -> Double {
        let sink = try await pair.lookup(me, .sink(from: me.pid, ackEvery: ackEvery, channel: nil))
        let clock = ContinuousClock()
        let start = clock.now
        var acked = 0
        for i in 0..<count {
            while i - acked >= window { acked = try await me.receive(SinkAck.self).received }
            me.send(message(i), to: sink)
        }
        me.send(SinkStop(), to: sink)
        while true {
            let ack = try await me.receive(SinkAck.self)
            if ack.final {
                precondition(ack.received == count, "lost messages: \(ack.received) of \(count)")
                break
            }
        }
        return (clock.now - start).inSeconds
    }

    /// Small one-way messages (an `Int`) from one process to a counting sink on the other node;
    /// at most 8,000 unacknowledged (the sink acks every 1,000), since a send queue holds 10,000.
    static func send(_ settings: BenchSettings) async throws -> BenchResult {
        let rates = try await withPair(settings) { pair in
            try await repeatRate(settings, name: "remote-send", warmupCount: 200_000, minimumCount: 100_000) { count in
                try await pair.client.withProcess { me in
                    try await stream(pair, me, count: count, window: 8_000, ackEvery: 1_000) { $0 }
                }
            }
        }
        return BenchResult(
            scenario: "remote-send", value: Stats(rates).median, unit: "msgs/s",
            details: [("runs", .numbers(rates)), ("in_process", .text("\(settings.inProcess)"))])
    }

    /// 1 MiB `[UInt8]` messages (one array re-sent, as Erlang re-sends one refc binary), at
    /// most 32 unacknowledged (the sink acks each); MB = 10⁶ bytes.
    static func oneMiB(_ settings: BenchSettings) async throws -> BenchResult {
        let payload = [UInt8](repeating: 0x5a, count: 1 << 20)
        let rates = try await withPair(settings) { pair in
            try await repeatRate(settings, name: "remote-1mib", warmupCount: 256, minimumCount: 512) { count in
                try await pair.client.withProcess { me in
                    try await stream(pair, me, count: count, window: 32, ackEvery: 1) { _ in payload }
                }
            }
        }
        let mbs = rates.map { $0 * Double(1 << 20) / 1e6 }
        return BenchResult(
            scenario: "remote-1mib", value: Stats(mbs).median, unit: "MB/s",
            details: [("runs", .numbers(mbs)), ("in_process", .text("\(settings.inProcess)"))])
    }

    /// `n` timed calls of `echo` from `me`, in µs.
    private static func timedCalls(_ echo: GenServerRef<Echo>, _ n: Int, from me: ProcessContext) async throws
        -> [Double]
    {
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(n)
        for _ in 0..<n {
            let start = clock.now
            _ = try await echo.call(.ping, from: me)
            samples.append((clock.now - start).inSeconds * 1e6)
        }
        return samples
    }

    private static func echoRef(_ pair: Pair) async throws -> GenServerRef<Echo> {
        let pid = try await pair.client.withProcess { me in try await pair.lookup(me, .echo(from: me.pid)) }
        return GenServerRef(pid: pid, on: pair.client.runtime)
    }

    /// p50/p99 of 20,000 timed `GenServer` calls from one process (as Erlang's `call_1`), and
    /// the rate of back-to-back untimed calls.
    static func pingPong(_ settings: BenchSettings) async throws -> BenchResult {
        var result = try await withPair(settings) { pair in
            let echo = try await echoRef(pair)
            return try await repeatLatency(settings, scenario: "remote-pingpong", rateKey: "calls_per_s") {
                try await pair.client.withProcess { me in
                    let samples = try await timedCalls(echo, 20_000, from: me)
                    let untimed = max(2_000, Int(20_000 * settings.seconds))
                    let clock = ContinuousClock()
                    let begin = clock.now
                    for _ in 0..<untimed { _ = try await echo.call(.ping, from: me) }
                    return (samples, Double(untimed) / (clock.now - begin).inSeconds)
                }
            }
        }
        result.details.append(("in_process", .text("\(settings.inProcess)")))
        return result
    }

    /// 16 client processes, 3,000 timed calls each, to one echo server (as Erlang's `call_16`,
    /// 1 server): value = all calls / wall time; p50/p99 of all latencies pooled.
    static func pingPong16(_ settings: BenchSettings) async throws -> BenchResult {
        let latency = try await withPair(settings) { pair in
            let echo = try await echoRef(pair)
            return try await repeatLatency(settings, scenario: "remote-pingpong-16", rateKey: "calls_per_s") {
                try await pair.client.withProcess { me in
                    let collector = me.pid
                    let clock = ContinuousClock()
                    let start = clock.now
                    for _ in 0..<16 {
                        me.spawn { ctx in
                            ctx.send(try await timedCalls(echo, 3_000, from: ctx), to: collector)
                        }
                    }
                    var samples: [Double] = []
                    for _ in 0..<16 { samples += try await me.receive([Double].self) }
                    return (samples, Double(samples.count) / (clock.now - start).inSeconds)
                }
            }
        }
        let rate = latency.details.first { $0.0 == "calls_per_s" }!.1
        guard case .number(let callsPerSecond) = rate else { fatalError() }
        return BenchResult(
            scenario: "remote-pingpong-16", value: callsPerSecond, unit: "calls/s",
            details: latency.details.filter { $0.0 != "calls_per_s" && $0.0 != "runs" } + [
                ("clients", .number(16)), ("in_process", .text("\(settings.inProcess)")),
            ])
    }

    /// Small-call latency while another process streams 8 MiB messages to the same node: with
    /// the stream on its own channel (the value), the same with the connections shared by both
    /// directions (``ConnectionSharing/shared``), and with all traffic on one connection.
    static func headOfLine(_ settings: BenchSettings) async throws -> BenchResult {
        let split = try await holVariant(settings, stream: .channel(bulk.name), sharing: .separate)
        let splitShared = try await holVariant(settings, stream: .channel(bulk.name), sharing: .shared)
        let shared = try await holVariant(settings, stream: .standard, sharing: .separate)
        return BenchResult(
            scenario: "hol", value: split.p99, unit: "us",
            details: [
                ("p50_us", .number(split.p50)), ("p99_us", .number(split.p99)),
                ("idle_p50_us", .number(split.idleP50)), ("idle_p99_us", .number(split.idleP99)),
                ("stream_mb_s", .number(split.mbs)), ("calls", .number(split.calls)),
                ("shared_connections_p50_us", .number(splitShared.p50)),
                ("shared_connections_p99_us", .number(splitShared.p99)),
                ("shared_connections_runs_p99_us", .numbers(splitShared.runs)),
                ("one_connection_p50_us", .number(shared.p50)), ("one_connection_p99_us", .number(shared.p99)),
                ("one_connection_idle_p99_us", .number(shared.idleP99)),
                ("one_connection_stream_mb_s", .number(shared.mbs)),
                ("one_connection_calls", .number(shared.calls)),
                ("runs_p99_us", .numbers(split.runs)), ("one_connection_runs_p99_us", .numbers(shared.runs)),
                ("in_process", .text("\(settings.inProcess)")),
            ])
    }

    final class StopFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    struct HolFigures: Sendable {
        var p50 = 0.0
        var p99 = 0.0
        var idleP50 = 0.0
        var idleP99 = 0.0
        var mbs = 0.0
        var calls = 0.0
        var runs: [Double] = []
    }

    /// One `hol` variant: the streamer sends its 8 MiB messages with `stream` (the `bulk`
    /// channel, or `default` like everything else), the caller calls on `default`.
    private static func holVariant(
        _ settings: BenchSettings, stream: DeliveryOptions, sharing: SharingChoice
    ) async throws -> HolFigures {
        let payload = [UInt8](repeating: 0x5a, count: 8 << 20)
        let label = "\(stream.channel ?? ChannelSpec.default.name), \(sharing.rawValue)"
        return try await withPair(settings, sharing: sharing) { pair in
            let echo = try await echoRef(pair)
            var runs: [(idle: Stats, loaded: Stats, mbs: Double)] = []
            for run in 0...settings.runs {
                let measured = try await pair.client.withProcess { me in
                    let stop = StopFlag()
                    let collector = me.pid
                    let streamer = me.spawn { ctx in
                        guard try await ctx.receive(String.self) == "go" else { return }
                        // The sink acks on the stream's channel (as Partisan sends acks).
                        let sink = try await pair.lookup(
                            ctx, .sink(from: ctx.pid, ackEvery: 1, channel: stream.channel))
                        let clock = ContinuousClock()
                        let start = clock.now
                        var sent = 0
                        var acked = 0
                        while !stop.value.load(ordering: .relaxed) {
                            while sent - acked >= 4 { acked = try await ctx.receive(SinkAck.self).received }
                            ctx.send(payload, to: sink, options: stream)
                            sent += 1
                        }
                        // Behind the last message on the same connection, so it arrives last.
                        ctx.send(SinkStop(), to: sink, options: stream)
                        var final: SinkAck
                        repeat { final = try await ctx.receive(SinkAck.self) } while !final.final
                        ctx.send(Double(final.bytes) / 1e6 / (clock.now - start).inSeconds, to: collector)
                    }
                    let caller = me.spawn { ctx in
                        guard try await ctx.receive(String.self) == "go" else { return }
                        let idle = try await timedCalls(echo, 1_000, from: ctx)
                        ctx.send("idle-done", to: collector)
                        _ = try await ctx.receive(String.self)
                        let clock = ContinuousClock()
                        let start = clock.now
                        var loaded: [Double] = []
                        while loaded.count < 1_000, clock.now - start < .seconds(5) {
                            loaded += try await timedCalls(echo, 1, from: ctx)
                        }
                        ctx.send([idle, loaded], to: collector)
                    }
                    me.send("go", to: caller)
                    _ = try await me.receive(String.self)  // idle calls done
                    me.send("go", to: streamer)
                    try await Task.sleep(for: .milliseconds(300))
                    me.send("go", to: caller)
                    let both = try await me.receive([[Double]].self)
                    stop.value.store(true, ordering: .relaxed)
                    let mbs = try await me.receive(Double.self)
                    return (Stats(both[0]), Stats(both[1]), mbs)
                }
                progress(
                    "hol stream on \(label): run \(run): idle p99 \(measured.0.percentile(99)) µs, loaded p50 "
                        + "\(measured.1.median) p99 \(measured.1.percentile(99)) µs "
                        + "(\(measured.1.sorted.count) calls), stream \(Int(measured.2)) MB/s")
                if run > 0 { runs.append(measured) }
            }
            var figures = HolFigures()
            figures.p50 = Stats(runs.map { $0.loaded.median }).median
            figures.p99 = Stats(runs.map { $0.loaded.percentile(99) }).median
            figures.idleP50 = Stats(runs.map { $0.idle.median }).median
            figures.idleP99 = Stats(runs.map { $0.idle.percentile(99) }).median
            figures.mbs = Stats(runs.map { $0.mbs }).median
            figures.calls = Stats(runs.map { Double($0.loaded.sorted.count) }).median
            figures.runs = runs.map { $0.loaded.percentile(99) }
            return figures
        }
    }
}

/// The server node in a child OS process: this executable in `remote-server` mode.
final class ServerProcess: @unchecked Sendable {
    private let process: Foundation.Process
    private let input: Pipe
    /// Where the child's node listens.
    let address: ListenAddress

    private init(process: Foundation.Process, input: Pipe, address: ListenAddress) {
        self.process = process
        self.input = input
        self.address = address
    }

    /// Starts the child (with `tls`'s files when given) and waits for its `listening HOST:PORT`
    /// line.
    static func launch(
        cookie: String, parallelism: Int, sharing: SharingChoice, execution: ExecutionChoice, busyWait: Duration,
        tls: BenchTLS?
    ) throws -> ServerProcess {
        let process = Foundation.Process()
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            [
                "remote-server", "--cookie", cookie, "--parallelism", "\(parallelism)", "--execution",
                execution.rawValue,
                "--sharing", sharing.rawValue, "--busy-wait-us", "\(Int(busyWait.inSeconds * 1e6))",
            ] + (tls?.arguments ?? [])
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let server = ServerProcess(
            process: process, input: input, address: ListenAddress(host: "127.0.0.1", port: 0))
        var line: [UInt8] = []
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            var byte: UInt8 = 0
            guard read(fd, &byte, 1) == 1, byte != 10 else { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ")
        guard parts.count == 2, parts[0] == "listening", let colon = parts[1].lastIndex(of: ":"),
            let port = Int(parts[1][parts[1].index(after: colon)...])
        else {
            server.stop()
            throw RemoteScenarios.BenchError.badServerLine(text)
        }
        return ServerProcess(
            process: process, input: input,
            address: ListenAddress(host: String(parts[1][..<colon]), port: port))
    }

    /// Closes the child's stdin (it exits), then kills it if it is still there.
    func stop() {
        try? input.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// `partisan-bench remote-server`: starts the server side (with `tls` when given), prints
    /// `listening HOST:PORT` and serves until stdin closes.
    static func serverMain(
        cookie: String, parallelism: Int, sharing: SharingChoice, execution: ExecutionChoice, busyWait: Duration,
        tls: TransportTLS?
    ) async throws {
        let node = try await PartisanNode.start(
            RemoteScenarios.nodeConfiguration(
                name: "bench_server_\(getpid())@127.0.0.1", cookie: cookie,
                channels: RemoteScenarios.channels(parallelism: parallelism), sharing: sharing, execution: execution,
                busyWait: busyWait, tls: tls))
        try await RemoteScenarios.serve(on: node)
        let address = node.listenAddress!
        var line = "listening \(address.host):\(address.port)\n"
        line.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 256)
                while read(0, &buffer, buffer.count) > 0 {}
                done.resume()
            }
        }
        await node.shutdown()
    }
}
