/// A typed handle on a state machine, by pid or by registered name: the client side of
/// ``GenStatem``.
///
/// Calls use the same mechanism as ``GenServerRef`` (monitor, alias, timeout) and fail with
/// the same ``GenServerError``s.
public struct GenStatemRef<Machine: GenStatem>: BehaviourReference {
    /// Where the reference points.
    public let address: BehaviourAddress

    /// A reference to `address`.
    public init(address: BehaviourAddress) {
        self.address = address
    }

    public var description: String { "GenStatemRef<\(Machine.self)>(\(address))" }
}

extension GenStatemRef {
    /// Sends `request` as a `.call` event and waits for the reply: Erlang's
    /// `gen_statem:call/3`. The machine may answer from any later event (a call postponed
    /// until a state change is answered then), or from another process.
    ///
    /// Fails as ``GenServerRef/call(_:timeout:)`` does: ``GenServerError/noproc``,
    /// ``GenServerError/exit(_:)``, ``GenServerError/timeout`` (a late reply is dropped).
    @inlinable
    public func call(_ request: Machine.Call, timeout: CallTimeout = .seconds(5)) async throws(GenServerError)
        -> Machine.Reply
    {
        try Self.typed(try await BehaviourCall.call(request, to: address, timeout: timeout, from: nil))
    }

    /// ``call(_:timeout:)`` from the given process.
    @inlinable
    public func call(_ request: Machine.Call, timeout: CallTimeout = .seconds(5), from caller: ProcessContext)
        async throws(GenServerError) -> Machine.Reply
    {
        try Self.typed(try await BehaviourCall.call(request, to: address, timeout: timeout, from: caller))
    }

    @inlinable
    static func typed(_ value: any Sendable) throws(GenServerError) -> Machine.Reply {
        try BehaviourCall.reply(value, as: Machine.Reply.self)
    }

    /// Sends `request` as a `.cast` event without waiting: Erlang's `gen_statem:cast/2`.
    /// Never fails; a cast to a machine that is not running is dropped.
    @inlinable
    public func cast(_ request: Machine.Cast) {
        BehaviourCall.cast(request, to: address)
    }

    /// Stops the machine with `reason` and waits until it has exited: Erlang's
    /// `gen_statem:stop/3`. `terminate` runs first. Fails as ``GenServerRef/stop(_:timeout:)``.
    public func stop(_ reason: ExitReason = .normal, timeout: CallTimeout = .infinity) async throws(GenServerError) {
        try await BehaviourCall.stop(reason, timeout: timeout, address: address)
    }
}
