/// A server process that owns its state and answers calls, casts and other messages:
/// Erlang's `gen_server`.
///
/// The conforming type *is* the state: the runtime keeps one value in the server's process and
/// calls the `mutating` handlers on it, one message at a time, in arrival order. Handlers are
/// `async`, so a server may call other servers.
///
/// ## The callback contract
///
/// - ``initialize(context:)`` runs in the new process before `start` returns. Return
///   `.ok()` (optionally with an action), `.ignore` (start returns
///   ``GenServerStartError/ignored`` and the process exits `normal`) or `.stop(reason)`; throwing
///   fails the start with ``GenServerStartError/failed(_:)`` carrying the crash.
/// - ``handleCall(_:from:context:)`` answers ``GenServerRef/call(_:timeout:)``. Return
///   `.reply(value)`, `.noreply()` (reply later with ``CallerRef/reply(_:)``, from any
///   process), `.stop(reason, reply:)`.
/// - ``handleCast(_:context:)`` handles ``GenServerRef/cast(_:)``; ``handleInfo(_:context:)``
///   handles every other message: plain sends, `DownMessage`, `ExitMessage` (when trapping
///   exits), and ``GenServerTimeout`` after a `.timeout` action. Both return `.noreply()` or
///   `.stop(reason)`. A call from another node whose request this node could not decode is
///   not a message for either: the caller gets ``GenServerError/unknownRequestType(manifest:)``.
/// - ``handleContinue(_:context:)`` runs right after a handler that returned the
///   `.continue(value)` action, before any new message.
/// - ``terminate(reason:context:)`` runs when the server stops: a `.stop` result, a crash in a
///   handler (the reason is `.crashed` with the error), ``GenServerRef/stop(_:timeout:)``, or
///   an exit signal from its parent while it traps exits. It does not run when the process is
///   killed by a signal it does not trap (Erlang's rule).
///
/// Every handler except `handleCall` has a default. Errors thrown by a handler crash the server:
/// `terminate` runs, linked processes get the exit signal, and pending callers get
/// ``GenServerError/exit(_:)``.
public protocol GenServer: Sendable {
    /// The requests ``GenServerRef/call(_:timeout:)`` sends.
    associatedtype Call: Sendable = Never
    /// The answer to a call.
    associatedtype Reply: Sendable = Never
    /// The requests ``GenServerRef/cast(_:)`` sends.
    associatedtype Cast: Sendable = Never
    /// The value a `.continue` action hands to ``handleContinue(_:context:)``.
    associatedtype Continue: Sendable = Never

    /// Prepares the server in its own process; `start` waits for it.
    mutating func initialize(context: GenServerContext) async throws -> InitResult<Continue>

    /// Answers a call.
    mutating func handleCall(
        _ request: Call, from: CallerRef<Reply>, context: GenServerContext
    ) async throws -> CallResult<Reply, Continue>

    /// Handles a cast.
    mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<Continue>

    /// Handles any other message.
    mutating func handleInfo(_ message: any Sendable, context: GenServerContext) async throws -> NoReplyResult<Continue>

    /// Continues work a handler deferred with the `.continue` action.
    mutating func handleContinue(_ value: Continue, context: GenServerContext) async throws -> NoReplyResult<Continue>

    /// Cleans up when the server stops (not when it is killed by an untrapped signal).
    mutating func terminate(reason: ExitReason, context: GenServerContext) async
}

extension GenServer {
    /// Default: start with no action.
    public mutating func initialize(context: GenServerContext) async throws -> InitResult<Continue> { .ok() }

    /// Default: ignore the cast.
    public mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<Continue>
    {
        .noreply()
    }

    /// Default: log the unexpected message at debug level and carry on (as `gen_server` does).
    public mutating func handleInfo(_ message: any Sendable, context: GenServerContext) async throws
        -> NoReplyResult<Continue>
    {
        context.process.runtime.logger.debug(
            "gen_server got an unexpected message", metadata: ["pid": "\(context.pid)", "message": "\(message)"])
        return .noreply()
    }

    /// Default: nothing to continue.
    public mutating func handleContinue(_ value: Continue, context: GenServerContext) async throws
        -> NoReplyResult<Continue>
    {
        .noreply()
    }

    /// Default: nothing to clean up.
    public mutating func terminate(reason: ExitReason, context: GenServerContext) async {}
}
