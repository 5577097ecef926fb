import Partisan
import Synchronization

/// What a test's servers record as they stop: one line per `terminate`, in the order they ran.
public final class TerminationLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// An empty log.
    public init() {}

    /// Appends `line`.
    public func append(_ line: String) { lines.withLock { $0.append(line) } }

    /// The lines so far.
    public var entries: [String] { lines.withLock { $0 } }
}

/// A server that traps exits (so a supervisor's or the node's `shutdown` runs its
/// `terminate`) and records `"<id> <reason>"` in `log` when it terminates, after waiting at
/// `gate` if one is given. It answers `.ping` with `"pong"`.
public struct RecordingServer: GenServer {
    /// The one request.
    public enum Call: Sendable, Codable { case ping }
    public typealias Reply = String

    let id: String
    let log: TerminationLog
    let gate: Gate?

    /// A server recording its termination as `id` in `log`, after `gate` opens if given.
    public init(id: String, log: TerminationLog, gate: Gate? = nil) {
        self.id = id
        self.log = log
        self.gate = gate
    }

    public mutating func initialize(context: GenServerContext) async throws -> InitResult<Never> {
        context.process.trapExit = true
        return .ok()
    }

    public mutating func handleCall(_ call: Call, from: CallerRef<String>, context: GenServerContext) async throws
        -> CallResult<String, Never>
    {
        .reply("pong")
    }

    public mutating func terminate(reason: ExitReason, context: GenServerContext) async {
        if let gate { await gate.wait() }
        log.append("\(id) \(reason)")
    }
}
