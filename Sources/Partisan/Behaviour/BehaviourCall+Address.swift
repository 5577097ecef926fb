/// Calls, casts and stops by ``BehaviourAddress``: a pid or local name goes straight to
/// ``BehaviourCall``; a `name@node` is looked up on its node first (and looked up again when
/// the pid it found has gone).
extension BehaviourCall {
    /// Calls the process at `address` from `caller` (or, when `nil`, from the current process
    /// or a short-lived one). Returns the raw reply.
    @usableFromInline
    static func call(
        _ request: any Sendable, to address: BehaviourAddress, timeout: CallTimeout, from caller: ProcessContext?
    ) async throws(GenServerError) -> any Sendable {
        guard let resolver = address.resolver else {
            if let caller { return try await call(request, to: address.pid, timeout: timeout, from: caller) }
            return try await call(request, to: address.pid, timeout: timeout, runtime: address.runtime)
        }
        let deadline = timeout.duration.map { ContinuousClock.now + $0 }
        var (pid, wasCached) = try await resolver.resolve(timeout: remaining(until: deadline))
        while true {
            do {
                if let caller {
                    return try await call(request, to: pid, timeout: remaining(until: deadline), from: caller)
                }
                return try await call(request, to: pid, timeout: remaining(until: deadline), runtime: address.runtime)
            } catch {
                switch error {
                case .noproc, .exit, .noconnection: resolver.forget(pid)
                default: break
                }
                // A remembered pid that has gone never saw the request: look the name up again.
                guard error == .noproc, wasCached else { throw error }
                (pid, wasCached) = try await resolver.resolve(timeout: remaining(until: deadline))
            }
        }
    }

    /// The pid at `address` now: a local one as it is, a `name@node` looked up on its node.
    ///
    /// - Throws: ``GenServerError/noproc`` when there is none; the look-up's error.
    static func server(at address: BehaviourAddress, timeout: CallTimeout) async throws(GenServerError) -> Pid {
        guard let resolver = address.resolver else {
            guard let pid = address.pid else { throw .noproc }
            return pid
        }
        return try await resolver.resolve(timeout: timeout).0
    }

    /// Sends a cast to the process at `address`; dropped when it is not running.
    @inlinable
    static func cast<Request: Sendable>(_ request: Request, to address: BehaviourAddress) {
        guard case .remoteName(let name) = address.target else {
            cast(request, to: address.pid, runtime: address.runtime)
            return
        }
        if let sender = ProcessContext.current {
            try? sender.send(GenServerCast(request: request), to: name)
        } else {
            try? address.runtime.send(GenServerCast(request: request), to: name)
        }
    }

    /// Stops the process at `address`; see ``stop(_:timeout:runtime:resolve:)``.
    static func stop(_ reason: ExitReason, timeout: CallTimeout, address: BehaviourAddress) async throws(GenServerError)
    {
        guard let resolver = address.resolver else {
            try await stop(reason, timeout: timeout, runtime: address.runtime) { address.pid }
            return
        }
        let deadline = timeout.duration.map { ContinuousClock.now + $0 }
        let (pid, _) = try await resolver.resolve(timeout: timeout)
        resolver.forget(pid)
        try await stop(reason, timeout: remaining(until: deadline), runtime: address.runtime) { pid }
    }

    /// What is left of a timeout that ends at `deadline` (`nil`: infinite).
    static func remaining(until deadline: ContinuousClock.Instant?) -> CallTimeout {
        guard let deadline else { return .infinity }
        return .after(max(.zero, deadline - ContinuousClock.now))
    }
}
