/// An outstanding call made with ``ERPC/sendRequest(_:on:_:from:)``: Erlang's `erpc` request
/// id. Several may be outstanding at once; each is answered once.
///
/// The answer goes to the process that sent the request, so only that process may receive
/// it (``ERPC/receiveResponse(_:timeout:)``, ``ERPC/waitResponse(_:timeout:)``,
/// ``ERPC/checkResponse(_:)``).
public struct RPCRequest<Result: Decodable & Sendable>: Sendable, Hashable, CustomStringConvertible {
    /// The request's identity: the reference the answer is tagged with.
    public let id: Ref
    /// The node that runs the function.
    public let node: Node
    /// The process that sent the request and receives its answer.
    public let caller: ProcessContext
    /// Whether the request monitors the node's sentinel (calls to the caller's own node do not).
    let monitored: Bool

    public var description: String { "RPCRequest(\(id) to \(node))" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

extension RPCService {
    /// Sends a call request for `function` on `node` from `caller` and returns its tag.
    ///
    /// The tag is the reference of a monitor on the node's sentinel (so a lost node ends the
    /// wait with a `DOWN`) and of an alias that receives the answer (so an answer after the
    /// caller gave up is dropped).
    func sendCall(
        _ function: String, arguments: Term, to node: Node, channel: String?, from caller: ProcessContext
    ) -> (tag: Ref, monitored: Bool) {
        let local = node == runtime.node
        let tag = local ? runtime.makeRef() : caller.monitor(sentinel(for: node))
        let alias = caller.makeAlias(reusing: tag)
        requestSent(tag, by: caller.pid)
        let request = RPCCallRequest(function: function, arguments: arguments, replyTo: alias, channel: channel)
        deliver(request, to: node, from: caller)
        return (tag, !local)
    }

    /// Sends `request` to the RPC server of `node`.
    func deliver(_ request: RPCCallRequest, to node: Node, from caller: ProcessContext) {
        if node == runtime.node {
            caller.send(request, to: startServer())
        } else if let server = RegisteredName(Self.serverName, on: node) {
            try? caller.send(request, to: server, options: request.deliveryOptions)
        }
    }

    /// Waits up to `timeout` (forever when `nil`) for the answer tagged `tag`. Ends the
    /// request (alias off, monitor off, counted) when it is answered, when the node is lost,
    /// and, if `abandoning`, on timeout; otherwise a timeout leaves it outstanding.
    func awaitAnswer(
        tag: Ref, monitored: Bool, timeout: Duration?, abandoning: Bool, caller: ProcessContext
    ) async throws(RPCError) -> RPCWaitResult {
        let isAnswer: (any Sendable) -> Bool = {
            ($0 as? RPCReply)?.tag == tag || (monitored && ($0 as? DownMessage)?.ref == tag)
        }
        let message: (any Sendable)?
        do {
            if let timeout {
                message = try await caller.receive(timeout: timeout, where: isAnswer)
            } else {
                message = try await caller.receive(where: isAnswer)
            }
        } catch {
            end(tag: tag, monitored: monitored, caller: caller)
            throw .callerExiting(error.exitReason ?? .noproc)
        }
        if let reply = message as? RPCReply {
            end(tag: tag, monitored: monitored, caller: caller)
            return .answered(reply.outcome)
        }
        if message == nil && !abandoning { return .noAnswerYet }
        end(tag: tag, monitored: monitored, caller: caller)
        // An answer that slipped in before the alias went off still counts (as in `erpc`).
        if let late = try? await caller.receive(RPCReply.self, timeout: .zero, where: { $0.tag == tag }) {
            return .answered(late.outcome)
        }
        return .answered(.failure(message == nil ? .timeout : .noconnection))
    }

    /// Ends a request: no more answers reach the caller, and no `DOWN` of it stays queued.
    /// Ending it again does nothing.
    func end(tag: Ref, monitored: Bool, caller: ProcessContext) {
        guard requestEnded(tag) else { return }
        caller.unalias(Alias(pid: caller.pid, ref: tag))
        if monitored { caller.demonitor(tag, flush: true) }
    }
}

extension RPCOutcome {
    /// The result decoded as `Result`, or the failure thrown.
    func decoded<Result: Decodable>(as type: Result.Type) throws(RPCError) -> Result {
        switch self {
        case .failure(let error): throw error
        case .value(let term):
            do {
                return try TermDecoder().decode(Result.self, from: term)
            } catch {
                throw .badResult("expected \(Result.self): \(RPCService.describe(error))")
            }
        }
    }
}
