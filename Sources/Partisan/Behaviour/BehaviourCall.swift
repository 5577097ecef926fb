/// The transport of a behaviour's call and stop, shared by ``GenServerRef`` and
/// ``GenStatemRef``: both speak the same envelopes (`CallRequest`, `CallReply`,
/// ``GenServerStopRequest``), as `gen_server` and `gen_statem` share `gen:call/4`.
///
/// A call monitors the server for its duration and sends the request with an alias made
/// from the monitor's reference; the reply, a `DOWN` or the timeout ends it. The alias is
/// deactivated before returning, so a late reply is dropped.
@usableFromInline
enum BehaviourCall {
    /// Calls `server` (a pid, or a name registered on another node) from the current process,
    /// or from a short-lived process when the current task is not a process. Returns the raw
    /// reply.
    static func call(
        _ request: any Sendable, to server: RemoteSignal.Destination?, timeout: CallTimeout, runtime: ProcessRuntime
    ) async throws(GenServerError) -> any Sendable {
        if let caller = ProcessContext.current {
            return try await call(request, to: server, timeout: timeout, from: caller)
        }
        do {
            return try await runtime.withProcess { caller in
                try await call(request, to: server, timeout: timeout, from: caller)
            }
        } catch {
            throw GenServerError(escaping: error)
        }
    }

    /// Calls `server` from `caller` (whose mailbox receives the answer). Returns the raw reply.
    static func call(
        _ request: any Sendable, to server: RemoteSignal.Destination?, timeout: CallTimeout, from caller: ProcessContext
    ) async throws(GenServerError) -> any Sendable {
        guard let server else { throw .noproc }
        let started = ContinuousClock.now
        defer {
            caller.runtime.callMetrics.record(ContinuousClock.now - started, remote: server.node != caller.node)
        }
        return try await PendingCall.start(request, to: server, from: caller).receive(timeout: timeout, from: caller)
    }

    /// `value`, a raw reply, as the `Reply` the caller expects;
    /// ``GenServerError/unknownRequestType(manifest:)`` when the server's node could not decode
    /// the request, ``GenServerError/badReply(_:)`` naming its type when it is another.
    @usableFromInline
    static func reply<Reply>(_ value: any Sendable, as type: Reply.Type) throws(GenServerError) -> Reply {
        guard let reply = value as? Reply else {
            if let unknown = value as? GenServerUnknownRequest { throw .unknownRequestType(manifest: unknown.manifest) }
            throw .badReply("\(Swift.type(of: value))")
        }
        return reply
    }

    /// Sends a cast envelope; dropped when the server is not running.
    @inlinable
    static func cast<Request: Sendable>(_ request: Request, to server: Pid?, runtime: ProcessRuntime) {
        guard let server else { return }
        if let sender = ProcessContext.current {
            sender.send(CastRequest(request: request), to: server)
        } else {
            runtime.send(CastRequest(request: request), to: server)
        }
    }

    /// Asks the server to stop with `reason` (its `terminate` runs) and waits for its exit.
    /// `resolve` is evaluated inside the stopping process, so a name is looked up then.
    static func stop(
        _ reason: ExitReason, timeout: CallTimeout, runtime: ProcessRuntime, resolve: @escaping @Sendable () -> Pid?
    ) async throws(GenServerError) {
        do {
            try await runtime.withProcess { stopper in
                guard let server = resolve() else { throw GenServerError.noproc }
                let ref = stopper.monitor(server)
                stopper.send(GenServerStopRequest(reason: reason), to: server)
                let down: DownMessage?
                if let duration = timeout.duration {
                    down = try await stopper.receive(DownMessage.self, timeout: duration) { $0.ref == ref }
                } else {
                    down = try await stopper.receive(DownMessage.self) { $0.ref == ref }
                }
                guard let down else { throw GenServerError.timeout }
                if down.reason == reason { return }
                if down.reason == .noproc { throw GenServerError.noproc }
                throw GenServerError.exit(down.reason)
            }
        } catch {
            throw GenServerError(escaping: error)
        }
    }
}

extension GenServerError {
    /// `error` as a client sees it: itself if it already is one, the caller's own exit
    /// otherwise.
    init(escaping error: any Error) {
        if let error = error as? GenServerError {
            self = error
        } else {
            self = .callerExiting(error.exitReason ?? .crashed(ProcessCrash(error)))
        }
    }
}
