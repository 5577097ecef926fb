/// Calls functions on other nodes with Erlang's `erpc` semantics: each call runs in a fresh
/// process on the remote node, and ends with its result or a thrown ``RPCError``.
///
/// Get one from a node (``PartisanNode/erpc``); the node is the one calls are made from.
/// Calls made inside a process of that node use the process's mailbox; calls made outside any
/// process run in a short-lived process of their own.
///
/// Rules, as in `erpc`:
/// - A call that gets no answer within its timeout fails with ``RPCError/timeout``; the
///   function may still run to its end remotely. Its answer, if it comes later, is dropped
///   on arrival (it was sent to an alias that is no longer active) and leaves nothing behind:
///   no message, no monitor, no table entry.
/// - A call whose node is not connected, or whose connection is lost during the call, fails
///   with ``RPCError/noconnection`` at once, not at its timeout.
/// - A function that throws gives ``RPCError/exception(type:message:)``; a name the node does
///   not know gives ``RPCError/undef(_:)``; arguments the function cannot decode give
///   ``RPCError/badArguments(_:)``; a process that is killed while running the function gives
///   ``RPCError/exit(_:)``. None of these disturbs the remote node.
public struct ERPC: Sendable {
    /// The node calls are made from.
    public let node: PartisanNode
    /// The channel requests and their answers travel on; `nil` for `default`.
    public let channel: String?

    /// Calls from `node`; on `channel` when given (it must be one of the node's channels,
    /// and the remote node's: a request on a channel a connection lacks is dropped, so the
    /// call times out), to keep RPC traffic off the data channel as Partisan's `{channel, C}`
    /// option does.
    public init(node: PartisanNode, channel: String? = nil) {
        self.node = node
        self.channel = channel
    }

    var service: RPCService { node.rpcService }

    // MARK: Calls

    /// Calls `function` on `target` with `arguments` and waits for its result: Erlang's
    /// `erpc:call(Node, M, F, A, Timeout)`.
    public func call<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>, on target: Node, _ arguments: Arguments,
        timeout: CallTimeout = .seconds(5)
    ) async throws(RPCError) -> Result {
        try await call(function.name, on: target, arguments, returning: Result.self, timeout: timeout)
    }

    /// Calls a function that takes no arguments; see ``call(_:on:_:timeout:)``.
    public func call<Result>(
        _ function: RemoteFunction<NoArguments, Result>, on target: Node, timeout: CallTimeout = .seconds(5)
    ) async throws(RPCError) -> Result {
        try await call(function.name, on: target, NoArguments(), returning: Result.self, timeout: timeout)
    }

    /// Calls the function registered as `name` on `target`, decoding its result as `Result`;
    /// see ``call(_:on:_:timeout:)``. With `Term` as `Result` any result is accepted.
    public func call<Arguments: Encodable & Sendable, Result: Decodable & Sendable>(
        _ name: String, on target: Node, _ arguments: Arguments, returning: Result.Type = Result.self,
        timeout: CallTimeout = .seconds(5)
    ) async throws(RPCError) -> Result {
        let encoded = try Self.encode(arguments)
        let outcome = try await withCaller { caller throws(RPCError) in
            let (tag, monitored) = service.sendCall(
                name, arguments: encoded, to: target, channel: channel, from: caller)
            let answer = try await service.awaitAnswer(
                tag: tag, monitored: monitored, timeout: timeout.duration, abandoning: true, caller: caller)
            guard case .answered(let outcome) = answer else { return RPCOutcome.failure(.timeout) }
            return outcome
        }
        return try outcome.decoded(as: Result.self)
    }

    /// Runs `function` on `target` without waiting for it or learning how it went: Erlang's
    /// `erpc:cast/4`. Never fails; a cast to a node that is not connected is dropped.
    public func cast<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>, on target: Node, _ arguments: Arguments
    ) {
        cast(function.name, on: target, arguments)
    }

    /// Runs the function registered as `name` on `target` without waiting; see
    /// ``cast(_:on:_:)-(RemoteFunction<Arguments,Result>,_,_)``.
    public func cast<Arguments: Encodable & Sendable>(_ name: String, on target: Node, _ arguments: Arguments) {
        guard let encoded = try? Self.encode(arguments) else { return }
        let request = RPCCallRequest(function: name, arguments: encoded, replyTo: nil, channel: channel)
        if let caller = ProcessContext.current, caller.runtime === node.runtime {
            service.deliver(request, to: target, from: caller)
        } else if target == node.name {
            node.runtime.send(request, to: service.startServer())
        } else if channel == nil, let server = RegisteredName(RPCService.serverName, on: target) {
            try? node.runtime.send(request, to: server)
        } else {
            // Sends with options to a name need a sending process.
            node.runtime.spawn { [service] sender in service.deliver(request, to: target, from: sender) }
        }
    }

    // MARK: Many nodes

    /// Calls `function` on every node of `targets` at once and waits for all of them, up to
    /// `timeout` in total: Erlang's `erpc:multicall/5`. The results are in the order of
    /// `targets`, each the function's result or the call's ``RPCError``.
    public func multiCall<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>, on targets: [Node], _ arguments: Arguments,
        timeout: CallTimeout = .seconds(5)
    ) async -> [Swift.Result<Result, RPCError>] {
        await multiCall(function.name, on: targets, arguments, returning: Result.self, timeout: timeout)
    }

    /// Calls the function registered as `name` on every node of `targets`; see
    /// ``multiCall(_:on:_:timeout:)-(RemoteFunction<Arguments,Result>,_,_,_)``.
    public func multiCall<Arguments: Encodable & Sendable, Result: Decodable & Sendable>(
        _ name: String, on targets: [Node], _ arguments: Arguments, returning: Result.Type = Result.self,
        timeout: CallTimeout = .seconds(5)
    ) async -> [Swift.Result<Result, RPCError>] {
        let encoded: Term
        do {
            encoded = try Self.encode(arguments)
        } catch {
            return targets.map { _ in .failure(error) }
        }
        let outcomes: [RPCOutcome]
        do {
            outcomes = try await withCaller { caller throws(RPCError) in
                let sent = targets.map {
                    service.sendCall(name, arguments: encoded, to: $0, channel: channel, from: caller)
                }
                let deadline = timeout.duration.map { ContinuousClock.now + $0 }
                var outcomes: [RPCOutcome] = []
                for (tag, monitored) in sent {
                    let remaining = deadline.map { max(.zero, $0 - ContinuousClock.now) }
                    let answer = try await service.awaitAnswer(
                        tag: tag, monitored: monitored, timeout: remaining, abandoning: true, caller: caller)
                    guard case .answered(let outcome) = answer else { continue }
                    outcomes.append(outcome)
                }
                return outcomes
            }
        } catch {
            return targets.map { _ in .failure(error) }
        }
        return outcomes.map { outcome in Swift.Result { () throws(RPCError) in try outcome.decoded(as: Result.self) } }
    }

    /// Casts `function` to every node of `targets`: Erlang's `erpc:multicast/4`. Never fails.
    public func multicast<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>, on targets: [Node], _ arguments: Arguments
    ) {
        for target in targets { cast(function.name, on: target, arguments) }
    }

    // MARK: Helpers

    /// Runs `body` in the current process if it is one of this node's, else in a short-lived
    /// process.
    func withCaller<T: Sendable>(
        _ body: @escaping @Sendable (ProcessContext) async throws(RPCError) -> T
    ) async throws(RPCError) -> T {
        if let caller = ProcessContext.current, caller.runtime === node.runtime {
            return try await body(caller)
        }
        do {
            return try await node.runtime.withProcess { caller in try await body(caller) }
        } catch let error as RPCError {
            throw error
        } catch {
            throw .callerExiting(error.exitReason ?? .crashed(ProcessCrash(error)))
        }
    }

    static func encode<Arguments: Encodable>(_ arguments: Arguments) throws(RPCError) -> Term {
        do {
            return try TermEncoder().encode(arguments)
        } catch {
            throw .badArguments("cannot encode \(Arguments.self): \(RPCService.describe(error))")
        }
    }
}
