import Logging
import Partisan
import PartisanTestSupport
import Synchronization

/// An ordered record of what children did (started, stopped), shared by a test and its
/// children.
final class Journal: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
    func clear() { lines.withLock { $0.removeAll() } }
}

/// A supervised worker that journals its start and (when trapping exits) its stop.
struct Probe: GenServer {
    enum Call: Sendable {
        case ping, crash
        case stop(ExitReason)
    }
    enum Cast: Sendable { case crash, hang }
    typealias Reply = String

    let id: String
    let journal: Journal
    var trapsExits = true
    /// A replacement (not the first start) waits for a `Proceed` message before it is ready.
    var gatedRestarts: Bool = false

    struct Proceed: Sendable {}

    mutating func initialize(context: GenServerContext) async throws -> InitResult<Never> {
        let restart = journal.all.contains("start \(id)")
        journal.append("start \(id)")
        context.process.trapExit = trapsExits
        if gatedRestarts && restart { _ = try await context.process.receive(Proceed.self) }
        return .ok()
    }

    mutating func handleCall(_ request: Call, from: CallerRef<String>, context: GenServerContext) async throws
        -> CallResult<String, Never>
    {
        switch request {
        case .ping: return .reply(id)
        case .crash: throw ProbeFailure()
        case .stop(let reason): return .stop(reason, reply: "bye")
        }
    }

    mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<Never> {
        switch request {
        case .crash: throw ProbeFailure()
        case .hang:
            try await Task.sleep(for: .seconds(3600))
            return .noreply()
        }
    }

    mutating func terminate(reason: ExitReason, context: GenServerContext) async {
        journal.append("stop \(id)")
    }
}

struct ProbeFailure: Error, CustomStringConvertible {
    var description: String { "probe failure" }
}

extension ChildSpec {
    /// A ``Probe`` child registered under its id.
    static func probe(
        _ id: String, _ journal: Journal, restart: RestartType = .permanent, shutdown: Shutdown = .workerDefault,
        trapsExits: Bool = true, gatedRestarts: Bool = false
    ) -> ChildSpec {
        .genServer(id: id, name: id, restart: restart, shutdown: shutdown) {
            Probe(id: id, journal: journal, trapsExits: trapsExits, gatedRestarts: gatedRestarts)
        }
    }
}

/// The events a supervisor reported, for tests to wait on.
final class EventLog: Sendable {
    private let events = Mutex<[SupervisorEvent.Kind]>([])

    var options: SupervisorOptions {
        SupervisorOptions { [self] event in events.withLock { $0.append(event.kind) } }
    }

    var all: [SupervisorEvent.Kind] { events.withLock { $0 } }

    /// Restarts of child `id` so far.
    func restarts(of id: String) -> Int {
        all.filter { if case .childRestarted(id, _) = $0 { true } else { false } }.count
    }

    /// Exits of child `id` the supervisor saw so far.
    func exits(of id: String) -> [ExitReason] {
        all.compactMap { if case .childExited(id, _, let reason) = $0 { reason } else { nil } }
    }

    /// Waits until the events satisfy `condition`.
    func wait(
        _ what: @autoclosure () -> String = "supervisor events", until condition: ([SupervisorEvent.Kind]) -> Bool
    ) async throws {
        try await eventually(what()) { condition(all) }
    }
}

extension PartisanNode {
    /// A typed handle on the probe registered as `id`.
    func probe(_ id: String) -> GenServerRef<Probe> { genServer(Probe.self, named: id) }

    /// Runs `trigger` in a process that monitors `pid` first, then waits for `pid` to exit and
    /// returns its reason.
    func exitReason(of pid: Pid, after trigger: @escaping @Sendable (ProcessContext) async throws -> Void)
        async throws -> ExitReason
    {
        try await withProcess { me in
            let ref = me.monitor(pid)
            try await trigger(me)
            return try await me.receive(DownMessage.self) { $0.ref == ref }.reason
        }
    }
}

/// A log handler that keeps the messages it is given.
struct RecordingLogHandler: LogHandler {
    let lines: Journal
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.append("\(event.level) \(event.message) \(event.metadata?["child"].map { "\($0)" } ?? "")")
    }
}
