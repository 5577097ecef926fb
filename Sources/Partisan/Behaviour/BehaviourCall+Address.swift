/// Calls, casts and stops by ``BehaviourAddress``: a pid or local name goes straight to its
/// process; a `name@node` goes to its node by name (a call, a cast) or is looked up there
/// first (a stop).
extension BehaviourCall {
    /// Calls the process at `address` from `caller` (or, when `nil`, from the current process
    /// or a short-lived one). Returns the raw reply.
    @usableFromInline
    static func call(
        _ request: any Sendable, to address: BehaviourAddress, timeout: CallTimeout, from caller: ProcessContext?
    ) async throws(GenServerError) -> any Sendable {
        if let caller { return try await call(request, to: address.server, timeout: timeout, from: caller) }
        return try await call(request, to: address.server, timeout: timeout, runtime: address.runtime)
    }

    /// Sends a cast to the process at `address`; dropped when it is not running.
    @inlinable
    static func cast<Request: Sendable>(_ request: Request, to address: BehaviourAddress) {
        guard case .remoteName(let name) = address.target else {
            cast(request, to: address.pid, runtime: address.runtime)
            return
        }
        if let sender = ProcessContext.current {
            try? sender.send(CastRequest(request: request), to: name)
        } else {
            try? address.runtime.send(CastRequest(request: request), to: name)
        }
    }

    /// Stops the process at `address`; see ``stop(_:timeout:runtime:resolve:)``. A `name@node`
    /// is looked up on its node first.
    static func stop(_ reason: ExitReason, timeout: CallTimeout, address: BehaviourAddress) async throws(GenServerError)
    {
        guard let remoteName = address.remoteNameLookUp else {
            try await stop(reason, timeout: timeout, runtime: address.runtime) { address.pid }
            return
        }
        let deadline = timeout.duration.map { ContinuousClock.now + $0 }
        let pid = try await remoteName.lookUp(timeout: timeout)
        try await stop(reason, timeout: remaining(until: deadline), runtime: address.runtime) { pid }
    }

    /// What is left of a timeout that ends at `deadline` (`nil`: infinite).
    static func remaining(until deadline: ContinuousClock.Instant?) -> CallTimeout {
        guard let deadline else { return .infinity }
        return .after(max(.zero, deadline - ContinuousClock.now))
    }
}
