/// A call in flight: the request went to the server with a monitor on it and an alias made
/// from the monitor's reference, which tags the answer. The reply, or the server's `DOWN`,
/// ends it; so does abandoning it. Once it has ended the alias is inactive, so a late reply
/// is dropped at delivery and never reaches a later receive of the caller.
///
/// ``BehaviourCall`` waits on one at once (`gen_server:call`); ``GenServerRequest`` keeps
/// one for later (`gen_server:send_request` and its `wait`/`receive`/`check_response`).
@usableFromInline
struct PendingCall: Sendable, Hashable {
    /// The monitor's reference: the tag of the reply and of the `DOWN`.
    let tag: Ref
    /// Where the server replies.
    let alias: Alias

    /// Monitors `server` (a pid, or a name registered on its node) and sends it `request` with
    /// a fresh alias, from `caller`: across nodes one frame (``ProcessContext/sendCall(_:to:)``).
    static func start(_ request: any Sendable, to server: RemoteSignal.Destination, from caller: ProcessContext)
        -> PendingCall
    {
        let alias = caller.sendCall(request, to: server)
        return PendingCall(tag: alias.ref, alias: alias)
    }

    /// Whether `message` ends this call: its reply or its server's `DOWN`.
    func isAnswer(_ message: any Sendable) -> Bool {
        (message as? CallReply)?.tag == tag || (message as? DownMessage)?.ref == tag
    }

    /// Waits up to `timeout` for the answer. Returns the raw reply; `nil` when the time is up
    /// (the call is still in flight). A `DOWN` throws as `gen_server:call` does.
    func wait(timeout: CallTimeout, from caller: ProcessContext) async throws(GenServerError) -> (any Sendable)? {
        let answer: (any Sendable)?
        do {
            if let duration = timeout.duration {
                answer = try await caller.receive(timeout: duration, where: isAnswer)
            } else {
                answer = try await caller.receive(where: isAnswer)
            }
        } catch {
            throw .callerExiting(error.exitReason ?? .noproc)
        }
        guard let answer else { return nil }
        return try end(with: answer, from: caller)
    }

    /// Waits up to `timeout` for the answer and gives the call up if none comes: returns the
    /// raw reply, or throws the `DOWN`'s reason or ``GenServerError/timeout``.
    func receive(timeout: CallTimeout, from caller: ProcessContext) async throws(GenServerError) -> any Sendable {
        if let reply = try await wait(timeout: timeout, from: caller) { return reply }
        await abandon(from: caller)
        throw .timeout
    }

    /// Ends the call with `answer` (its reply or its `DOWN`, see ``isAnswer(_:)``): returns the
    /// raw reply, or throws the `DOWN`'s reason.
    func end(with answer: any Sendable, from caller: ProcessContext) throws(GenServerError) -> any Sendable {
        caller.unalias(alias)
        if let reply = answer as? CallReply {
            caller.demonitor(tag, flush: true)
            return reply.value
        }
        switch (answer as? DownMessage)?.reason {
        case .noproc?: throw .noproc
        case .noconnection?: throw .noconnection
        case let reason?: throw .exit(reason)
        case nil: preconditionFailure("not an answer of this call: \(answer)")
        }
    }

    /// Gives up on the call: the alias goes inactive (a late reply is dropped), the monitor
    /// goes, and a reply that slipped in before that is removed from the mailbox.
    func abandon(from caller: ProcessContext) async {
        caller.unalias(alias)
        caller.demonitor(tag, flush: true)
        _ = try? await caller.receive(timeout: .zero) { ($0 as? CallReply)?.tag == tag }
    }
}
