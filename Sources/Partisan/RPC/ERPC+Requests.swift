/// Asynchronous calls: send now, collect the answer later (Erlang's `erpc:send_request/4`,
/// `receive_response/2`, `wait_response/2`, `check_response/2`).
extension ERPC {
    /// Sends a call of `function` on `target` from `caller` and returns at once with the
    /// request; collect its answer from the same process with ``receiveResponse(_:timeout:)``,
    /// ``waitResponse(_:timeout:)`` or ``checkResponse(_:)``. Arguments that cannot be encoded
    /// throw ``RPCError/badArguments(_:)`` here.
    public func sendRequest<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>, on target: Node, _ arguments: Arguments,
        from caller: ProcessContext
    ) throws(RPCError) -> RPCRequest<Result> {
        let encoded = try Self.encode(arguments)
        let (tag, monitored) = service.sendCall(
            function.name, arguments: encoded, to: target, channel: channel, from: caller)
        return RPCRequest(id: tag, node: target, caller: caller, monitored: monitored)
    }

    /// Waits up to `timeout` for the answer to `request` and returns its result, or throws as
    /// ``call(_:on:_:timeout:)`` does. The request is over either way: on timeout it is
    /// abandoned, and a later answer is dropped (Erlang's `receive_response/2`).
    public func receiveResponse<Result>(
        _ request: RPCRequest<Result>, timeout: CallTimeout = .seconds(5)
    ) async throws(RPCError) -> Result {
        let answer = try await service.awaitAnswer(
            tag: request.id, monitored: request.monitored, timeout: timeout.duration, abandoning: true,
            caller: request.caller)
        guard case .answered(let outcome) = answer else { throw .timeout }
        return try outcome.decoded(as: Result.self)
    }

    /// Waits up to `timeout` for the answer to `request`: its result, a thrown ``RPCError``,
    /// or `nil` if none came in time — then the request stays outstanding and may be waited
    /// for again (Erlang's `wait_response/2`).
    public func waitResponse<Result>(
        _ request: RPCRequest<Result>, timeout: Duration
    ) async throws(RPCError) -> Result? {
        let answer = try await service.awaitAnswer(
            tag: request.id, monitored: request.monitored, timeout: timeout, abandoning: false,
            caller: request.caller)
        guard case .answered(let outcome) = answer else { return nil }
        return try outcome.decoded(as: Result.self)
    }

    /// The answer to `request` if it has already arrived, without waiting; `nil` if not
    /// (Erlang's `check_response/2`).
    public func checkResponse<Result>(_ request: RPCRequest<Result>) async throws(RPCError) -> Result? {
        try await waitResponse(request, timeout: .zero)
    }

    /// Gives up `request` without waiting: a later answer is dropped.
    public func abandon<Result>(_ request: RPCRequest<Result>) {
        service.end(tag: request.id, monitored: request.monitored, caller: request.caller)
    }
}
