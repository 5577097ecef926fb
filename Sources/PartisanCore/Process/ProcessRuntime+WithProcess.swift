import Synchronization

/// Running code as a process from outside any process.
extension ProcessRuntime {
    /// Runs `body` as a new process and returns its result: the bridge from ordinary async
    /// code (tests, `main`, request handlers) into the process world, like typing into an
    /// Erlang shell.
    ///
    /// The process exits `.normal` when `body` returns and crashes with the error when it
    /// throws; the error is rethrown here (so it is not logged as a crash report). If the
    /// process is killed, this throws ``ProcessError/exiting(_:)`` with the reason.
    @discardableResult
    public func withProcess<T: Sendable>(
        _ options: SpawnOptions = [], _ body: @escaping @Sendable (ProcessContext) async throws -> T
    ) async throws -> T {
        let outcome = Outcome<T>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.set(continuation)
            _ = start(options.union(.noCrashReport)) { process in
                do {
                    outcome.finish(.success(try await body(process)))
                } catch {
                    // A killed process reports the kill, not what its interrupted await threw.
                    let exited = process.state.withLock { $0.exitReason }.map { ProcessError.exiting($0) }
                    outcome.finish(.failure(exited ?? error))
                    throw error
                }
            }
        }
    }
}

/// Resumes a continuation exactly once, whichever of the body or the exit finishes first.
private final class Outcome<T: Sendable>: Sendable {
    private let state = Mutex<(CheckedContinuation<T, any Error>?, done: Bool)>((nil, false))

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.0 = continuation }
    }

    func finish(_ result: Result<T, any Error>) {
        let continuation: CheckedContinuation<T, any Error>? = state.withLock { s in
            guard !s.done else { return nil }
            s.done = true
            return s.0
        }
        continuation?.resume(with: result)
    }
}
