/// A typed handle on a server, by pid or by registered name: the client side of ``GenServer``.
///
/// Calls made inside a process use that process's mailbox (as Erlang's `gen_server:call`
/// does); calls made outside any process run in a short-lived process of their own.
public struct GenServerRef<Server: GenServer>: BehaviourReference {
    /// Where the reference points.
    public let address: BehaviourAddress

    /// A reference to `address`.
    public init(address: BehaviourAddress) {
        self.address = address
    }

    public var description: String { "GenServerRef<\(Server.self)>(\(address))" }
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
        try Self.typed(try await BehaviourCall.call(request, to: address, timeout: timeout, from: nil))
    }

    /// ``call(_:timeout:)`` from the given process.
    public func call(_ request: Server.Call, timeout: CallTimeout = .seconds(5), from caller: ProcessContext)
        async throws(GenServerError) -> Server.Reply
    {
        try Self.typed(try await BehaviourCall.call(request, to: address, timeout: timeout, from: caller))
    }

    private static func typed(_ value: any Sendable) throws(GenServerError) -> Server.Reply {
        try BehaviourCall.reply(value, as: Server.Reply.self)
    }

    /// Sends `request` without waiting: Erlang's `gen_server:cast/2`. Never fails; a cast to a
    /// server that is not running is dropped.
    @inlinable
    public func cast(_ request: Server.Cast) {
        BehaviourCall.cast(request, to: address)
    }

    /// Stops the server with `reason` and waits until it has exited: Erlang's
    /// `gen_server:stop/3`. `terminate` runs first.
    ///
    /// Throws ``GenServerError/noproc`` if it is not running, ``GenServerError/exit(_:)`` if it
    /// exited with another reason, and ``GenServerError/timeout`` if it has not exited in time
    /// (for example a server stuck in a handler; the stop request stays queued).
    public func stop(_ reason: ExitReason = .normal, timeout: CallTimeout = .infinity) async throws(GenServerError) {
        try await BehaviourCall.stop(reason, timeout: timeout, address: address)
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
