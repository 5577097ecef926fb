import Logging
import Synchronization

/// Keeps every line logged through ``logger``, message and metadata together, so a test can
/// check what a component wrote (for instance, that no byte a peer sent reached the log).
public final class LogRecorder: Sendable {
    private let recorded = Mutex<[String]>([])

    public init() {}

    /// The lines logged so far: level, message, then each metadata key and value.
    public var lines: [String] { recorded.withLock { $0 } }

    /// A logger at `level` whose lines this recorder keeps.
    public func logger(level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: "test.recorded") { _ in Handler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            recorder.recorded.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
        }
    }
}
