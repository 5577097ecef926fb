/// A typed handle on a server, by pid or by registered name: the client side of ``GenServer``.
///
/// Calls made inside a process use that process's mailbox (as Erlang's `gen_server:call`
/// does); calls made outside any process run in a short-lived process of their own.
public struct GenServerRef<Server: GenServer>: Sendable, Hashable, CustomStringConvertible {
    enum Target: Sendable, Hashable {
        case pid(Pid)
        case name(String)
    }

    let target: Target
    /// The runtime the reference resolves names on and calls from outside processes.
    public let runtime: ProcessRuntime

    /// A reference to the server `pid`.
    public init(pid: Pid, on runtime: ProcessRuntime) {
        self.target = .pid(pid)
        self.runtime = runtime
    }

    /// A reference to whichever process is registered as `name` on `runtime` at each use
    /// (so a call reaches a restarted server under the same name).
    public init(name: String, on runtime: ProcessRuntime) {
        self.target = .name(name)
        self.runtime = runtime
    }

    /// The server's current pid, if it is running.
    public var pid: Pid? {
        switch target {
        case .pid(let pid): pid
        case .name(let name): runtime.whereis(name)
        }
    }

    public var description: String {
        switch target {
        case .pid(let pid): "GenServerRef<\(Server.self)>(\(pid))"
        case .name(let name): "GenServerRef<\(Server.self)>(\(name))"
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.target == rhs.target && lhs.runtime === rhs.runtime }
    public func hash(into hasher: inout Hasher) { hasher.combine(target) }
}

extension GenServerRef {
    /// Sends `request` and waits for the reply: Erlang's `gen_server:call/3`.
    ///
    /// The call monitors the server for its duration: a server that is not running gives
    /// ``GenServerError/noproc`` at once; one that exits during the call gives
    /// ``GenServerError/exit(_:)`` (``GenServerError/noconnection`` if its node went down);
    /// no reply in time gives ``GenServerError/timeout``. The reply goes to an alias that is
    /// deactivated when the call ends, so a late reply is dropped and never reaches a later
    /// receive of the caller.
    public func call(_ request: Server.Call, timeout: CallTimeout = .seconds(5)) async throws(GenServerError)
        -> Server.Reply
    {
        if let caller = ProcessContext.current {
            return try await call(request, timeout: timeout, from: caller)
        }
        do {
            return try await runtime.withProcess { caller in
                try await self.call(request, timeout: timeout, from: caller)
            }
        } catch let error as GenServerError {
            throw error
        } catch {
            throw .callerExiting((error as? ProcessError).flatMap(\.exitReason) ?? .crashed(ProcessCrash(error)))
        }
    }

    /// ``call(_:timeout:)`` from the given process.
    public func call(_ request: Server.Call, timeout: CallTimeout = .seconds(5), from caller: ProcessContext)
        async throws(GenServerError) -> Server.Reply
    {
        guard let server = pid else { throw .noproc }
        let tag = caller.monitor(server)
        let alias = caller.makeAlias(reusing: tag)
        caller.send(GenServerCall(request: request, from: alias), to: server)
        let answer: (any Sendable)?
        do {
            let isAnswer: (any Sendable) -> Bool = {
                ($0 as? GenServerReply)?.tag == tag || ($0 as? DownMessage)?.ref == tag
            }
            if let duration = timeout.duration {
                answer = try await caller.receive(timeout: duration, where: isAnswer)
            } else {
                answer = try await caller.receive(where: isAnswer)
            }
        } catch {
            throw .callerExiting(error.exitReason ?? .noproc)
        }
        caller.unalias(alias)
        switch answer {
        case let reply as GenServerReply:
            caller.demonitor(tag, flush: true)
            guard let value = reply.value as? Server.Reply else { throw .badReply("\(type(of: reply.value))") }
            return value
        case let down as DownMessage:
            switch down.reason {
            case .noproc: throw .noproc
            case .noconnection: throw .noconnection
            default: throw .exit(down.reason)
            }
        default:
            caller.demonitor(tag, flush: true)
            // A reply that slipped in between the timeout and the alias going inactive.
            _ = try? await caller.receive(timeout: .zero) { ($0 as? GenServerReply)?.tag == tag }
            throw .timeout
        }
    }

    /// Sends `request` without waiting: Erlang's `gen_server:cast/2`. Never fails; a cast to a
    /// server that is not running is dropped.
    public func cast(_ request: Server.Cast) {
        guard let server = pid else { return }
        if let sender = ProcessContext.current {
            sender.send(GenServerCast(request: request), to: server)
        } else {
            runtime.send(GenServerCast(request: request), to: server)
        }
    }

    /// Stops the server with `reason` and waits until it has exited: Erlang's
    /// `gen_server:stop/3`. `terminate` runs first.
    ///
    /// Throws ``GenServerError/noproc`` if it is not running, ``GenServerError/exit(_:)`` if it
    /// exited with another reason, and ``GenServerError/timeout`` if it has not exited in time
    /// (for example a server stuck in a handler; the stop request stays queued).
    public func stop(_ reason: ExitReason = .normal, timeout: CallTimeout = .infinity) async throws(GenServerError) {
        do {
            try await runtime.withProcess { stopper in
                guard let server = self.pid else { throw GenServerError.noproc }
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
        } catch let error as GenServerError {
            throw error
        } catch {
            throw .callerExiting((error as? ProcessError).flatMap(\.exitReason) ?? .crashed(ProcessCrash(error)))
        }
    }
}

extension Error {
    /// The reason carried by ``ProcessError/exiting(_:)``, if this is that error.
    var exitReason: ExitReason? { (self as? ProcessError).flatMap(\.exitReason) }
}

extension ProcessError {
    /// The reason of ``exiting(_:)``; `nil` for other cases.
    public var exitReason: ExitReason? {
        if case .exiting(let reason) = self { return reason }
        return nil
    }
}
