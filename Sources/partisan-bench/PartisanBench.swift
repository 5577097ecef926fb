import ArgumentParser
import Partisan

#if canImport(Glibc)
    import Glibc
#endif

/// `partisan-bench`: the scenario benchmarks. Prints one JSON object on one line per run of a
/// scenario; progress goes to stderr.
@main
struct PartisanBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partisan-bench",
        abstract: "Runs one benchmark scenario and prints its result as one line of JSON.",
        discussion: "`partisan-bench list` prints the scenario names, one a line.")

    @Argument(help: "The scenario to run, or `list`.")
    var scenario: String

    @Option(help: "Target duration of each measured repetition, in seconds.")
    var seconds: Double = 1.0

    @Option(help: "Measured repetitions (after one discarded warm-up); the value is their median.")
    var runs: Int = 5

    @Option(help: "The executor processes run on: `global` (Swift's) or `partisan` (ProcessScheduler).")
    var scheduler: SchedulerChoice = .global

    @Flag(help: "Remote scenarios: run both nodes in this OS process (default: the server node in a child process).")
    var inProcess = false

    @Option(help: "Remote scenarios: where the nodes' processes run: `event-loops` (default) or `global`.")
    var execution: ExecutionChoice = .eventLoops

    @Flag(help: "Remote scenarios: mutual TLS on every connection (certificates made at run time).")
    var tls = false

    @Option(
        name: .customLong("busy-wait-us"),
        help: "Remote scenarios: how long each node's event loops poll after a read before sleeping, in µs (0: none).")
    var busyWaitMicroseconds = 0

    @Option(help: "Overlay scenarios: how many nodes.")
    var nodes: Int = 64

    @Option(help: "Overlay scenarios: `hyparview`, `fullmesh`, `client-server` or `static`.")
    var overlay: String = "hyparview"

    @Option(help: "Overlay scenarios: `memory` (the in-memory simulator) or `tcp` (real nodes on 127.0.0.1).")
    var transport: String = "memory"

    @Option(
        help:
            "Overlay scenarios over TCP: `shared` (default: a dialled node answers on the dialler's connections) or `separate` (it dials back)."
    )
    var sharing: SharingChoice = .shared

    @Option(
        help:
            "Overlay scenarios over TCP: Partisan's periods (tick 1 s, promotion 5 s, shuffle 10 s) are divided by this."
    )
    var speedUp: Int = 5

    @Option(help: "Overlay scenarios: the simulation's seed.")
    var seed: UInt64 = 1

    @Option(help: "Overlay scenarios, in memory: write the converged overlay's links (`i j` lines) to this file.")
    var graphOut: String?

    @Option(help: "broadcast-after-failures: `plumtree` (Plumtree over the overlay) or `flood` (HyParView's flood).")
    var broadcast: String = "plumtree"

    @Option(
        help:
            "broadcast-after-failures with plumtree: the lazy tick (IHAVE, GRAFT) in seconds; exchanges every 10 ticks."
    )
    var lazyTick: Double = 1

    @Option(help: .hidden)
    var cookie: String = "bench"

    @Option(help: .hidden)
    var parallelism: Int = 1

    @Option(name: .customLong("tls-cert"), help: .hidden)
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: .hidden)
    var tlsKey: String?

    @Option(name: .customLong("tls-ca"), help: .hidden)
    var tlsCA: String?

    func run() async throws {
        if scenario == "remote-server" {
            var tls: TransportTLS?
            if let tlsCertificate, let tlsKey, let tlsCA {
                tls = try TransportTLS.mutual(
                    certificateChainFile: tlsCertificate, privateKeyFile: tlsKey, trustRootsFile: tlsCA)
            }
            try await ServerProcess.serverMain(
                cookie: cookie, parallelism: parallelism, sharing: sharing, execution: execution,
                busyWait: .microseconds(busyWaitMicroseconds), tls: tls)
            return
        }
        if scenario == "list" {
            for scenario in Scenarios.all { print(scenario.name) }
            return
        }
        guard let found = Scenarios.all.first(where: { $0.name == scenario }) else {
            throw ValidationError("unknown scenario \"\(scenario)\"; `partisan-bench list` prints the known ones")
        }
        var settings = BenchSettings(seconds: seconds, runs: max(1, runs), scheduler: scheduler)
        settings.inProcess = inProcess
        settings.execution = execution
        settings.tls = tls ? try BenchTLS.make() : nil
        settings.busyWait = .microseconds(busyWaitMicroseconds)
        settings.overlay = OverlaySettings(
            nodes: nodes, overlay: overlay, transport: transport, sharing: sharing, speedUp: max(1, speedUp),
            seed: seed, graphOut: graphOut, broadcast: broadcast, lazyTick: .milliseconds(Int64(lazyTick * 1000)))
        var result = try await found.run(settings)
        result.details.append(("scheduler", .text(scheduler.rawValue)))
        if found.name.hasPrefix("remote") || found.name.hasPrefix("erpc") || found.name == "hol" {
            result.details.append(("execution", .text(execution.rawValue)))
            result.details.append(("transport", .text(tls ? "tls" : "tcp")))
            result.details.append(("busy_wait_us", .number(Double(busyWaitMicroseconds))))
        }
        print(result.json())
    }
}

/// What every scenario is given.
struct BenchSettings: Sendable {
    /// Target duration of one measured repetition.
    let seconds: Double
    /// How many measured repetitions.
    let runs: Int
    /// The executor for processes.
    let scheduler: SchedulerChoice
    /// Remote scenarios: both nodes in this OS process.
    var inProcess = false
    /// Remote scenarios: where the nodes' processes run.
    var execution: ExecutionChoice = .eventLoops
    /// Remote scenarios: mutual TLS between the nodes; plain TCP when `nil`.
    var tls: BenchTLS?
    /// Remote scenarios: the nodes' ``TransportConfiguration/busyWait``.
    var busyWait: Duration = .zero
    /// Overlay scenarios: size, overlay, transport, seed.
    var overlay = OverlaySettings()

    /// A fresh runtime on the chosen executor.
    func runtime() -> ProcessRuntime {
        ProcessRuntime(node: "bench@127.0.0.1", executor: scheduler == .partisan ? ProcessScheduler.shared : nil)
    }
}

/// Which executor the processes of a scenario run on.
enum SchedulerChoice: String, ExpressibleByArgument, Sendable {
    case global
    case partisan
}

/// Where a remote scenario's nodes run their processes (``ProcessExecution``).
enum ExecutionChoice: String, ExpressibleByArgument, Sendable {
    case eventLoops = "event-loops"
    case global

    var execution: ProcessExecution { self == .global ? .global : .eventLoops }
}

/// Which connections a pair of nodes sends on (``ConnectionSharing``), as `--sharing` names it.
enum SharingChoice: String, ExpressibleByArgument, Sendable {
    case shared
    case separate

    var sharing: ConnectionSharing { self == .shared ? .shared : .separate }
}

/// One benchmark scenario.
struct Scenario: Sendable {
    let name: String
    let run: @Sendable (BenchSettings) async throws -> BenchResult
}

/// Writes a progress line to stderr.
func progress(_ line: String) {
    var line = line + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
