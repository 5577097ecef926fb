/// A request sent with ``GenServerRef/sendRequest(_:from:)`` whose answer is collected later:
/// Erlang's request id from `gen_server:send_request/2`, with `wait_response`,
/// `receive_response` and `check_response` as methods.
///
/// The request is a call in flight (the server is monitored, the reply goes to an alias), so
/// it has a call's error semantics: the server's exit or its node's loss ends it with
/// ``GenServerError``. Several can be outstanding at once, to one server or many. The
/// methods must be called from the process that sent the request (its mailbox receives the
/// answer).
public struct GenServerRequest<Reply: Sendable>: Sendable, Hashable {
    /// The call in flight; `nil` when the server could not be found when sending.
    let call: PendingCall?
    /// The failure when there was no server to send to.
    let failure: GenServerError?

    /// Waits up to `timeout` for the answer: Erlang's `gen_server:wait_response/2`. Returns
    /// `nil` when the time is up; the request then stays outstanding (wait again, or
    /// ``abandon(from:)`` it).
    ///
    /// - Throws: as ``GenServerRef/call(_:timeout:from:)`` (but never `.timeout`).
    public func wait(timeout: CallTimeout, from caller: ProcessContext) async throws(GenServerError) -> Reply? {
        guard let call else { throw failure ?? .noproc }
        guard let value = try await call.wait(timeout: timeout, from: caller) else { return nil }
        return try Self.typed(value)
    }

    /// Waits up to `timeout` for the answer and gives the request up if none comes: Erlang's
    /// `gen_server:receive_response/2`.
    ///
    /// - Throws: as ``GenServerRef/call(_:timeout:from:)``: ``GenServerError/timeout`` when the
    ///   time is up (a later reply is dropped).
    public func receive(timeout: CallTimeout, from caller: ProcessContext) async throws(GenServerError) -> Reply {
        guard let call else { throw failure ?? .noproc }
        return try Self.typed(await call.receive(timeout: timeout, from: caller))
    }

    /// Whether `message`, a message the caller received, answers this request: Erlang's
    /// `gen_server:check_response/2`. Returns the reply if it is this request's, `nil` if the
    /// message is unrelated (`no_reply`).
    ///
    /// - Throws: the call's error when `message` is the server's `DOWN` (or there was no server).
    public func check(_ message: any Sendable, from caller: ProcessContext) throws(GenServerError) -> Reply? {
        guard let call else { throw failure ?? .noproc }
        guard call.isAnswer(message) else { return nil }
        return try Self.typed(call.end(with: message, from: caller))
    }

    /// Gives the request up: a reply that comes later is dropped.
    public func abandon(from caller: ProcessContext) async {
        await call?.abandon(from: caller)
    }

    private static func typed(_ value: any Sendable) throws(GenServerError) -> Reply {
        try BehaviourCall.reply(value, as: Reply.self)
    }
}

extension GenServerRef {
    /// Sends `request` without waiting for the reply: Erlang's `gen_server:send_request/2`.
    /// Collect the answer with the returned request's ``GenServerRequest/wait(timeout:from:)``,
    /// ``GenServerRequest/receive(timeout:from:)`` or ``GenServerRequest/check(_:from:)``.
    ///
    /// A server that is not running makes a request whose answer is ``GenServerError/noproc``;
    /// a `name@node` is looked up on its node when the request arrives there.
    public func sendRequest(_ request: Server.Call, from caller: ProcessContext) -> GenServerRequest<Server.Reply> {
        guard let server = address.server else { return GenServerRequest(call: nil, failure: .noproc) }
        return GenServerRequest(call: PendingCall.start(request, to: server, from: caller), failure: nil)
    }
}
