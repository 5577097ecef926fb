/// What a call made with ``RPC`` returned: the value, or Erlang's `{badrpc, Reason}`.
public enum RPCResult<Value: Sendable>: Sendable {
    /// The function's result.
    case value(Value)
    /// The call failed (Erlang's `{badrpc, Reason}`).
    case badRPC(RPCError)

    /// The value, or the failure thrown.
    public func get() throws(RPCError) -> Value {
        switch self {
        case .value(let value): return value
        case .badRPC(let error): throw error
        }
    }
}

extension RPCResult: Equatable where Value: Equatable {}
extension RPCResult: Hashable where Value: Hashable {}

/// The answer of ``RPC/multiCall(_:on:_:timeout:)``: Erlang's `{ResL, BadNodes}`.
public struct RPCMultiCallResult<Value: Sendable>: Sendable {
    /// The results of the nodes that answered, in the order of the nodes asked; a function
    /// that failed on a node gives a ``RPCResult/badRPC(_:)`` here.
    public var results: [RPCResult<Value>]
    /// The nodes that did not answer: not connected, lost during the call, or timed out.
    public var badNodes: [Node]
}

/// Calls functions on other nodes in the shape of Erlang's older `rpc` module: failures are
/// returned as ``RPCResult/badRPC(_:)`` instead of thrown, for code ported from `rpc`.
///
/// It runs on ``ERPC`` (as `rpc` runs on `erpc` since OTP 23), with the same semantics.
public struct RPC: Sendable {
    /// The calls' engine.
    public let erpc: ERPC

    /// Calls from `node`, on `channel` when given (see ``ERPC/init(node:channel:)``).
    public init(node: PartisanNode, channel: String? = nil) {
        self.erpc = ERPC(node: node, channel: channel)
    }

    /// Calls `function` on `target`: Erlang's `rpc:call/5`.
    public func call<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>, on target: Node, _ arguments: Arguments,
        timeout: CallTimeout = .infinity
    ) async -> RPCResult<Result> {
        do {
            return .value(try await erpc.call(function, on: target, arguments, timeout: timeout))
        } catch {
            return .badRPC(error)
        }
    }

    /// Calls the function registered as `name` on `target`: Erlang's `rpc:call/5`.
    public func call<Arguments: Encodable & Sendable, Result: Decodable & Sendable>(
        _ name: String, on target: Node, _ arguments: Arguments, returning: Result.Type = Result.self,
        timeout: CallTimeout = .infinity
    ) async -> RPCResult<Result> {
        do {
            return .value(try await erpc.call(name, on: target, arguments, returning: Result.self, timeout: timeout))
        } catch {
            return .badRPC(error)
        }
    }

    /// Calls `function` on every node of `targets` at once: Erlang's `rpc:multicall/5`. Nodes
    /// that answered give their results (in the order of `targets`); nodes that were not
    /// connected, were lost or did not answer in time are listed in
    /// ``RPCMultiCallResult/badNodes``.
    public func multiCall<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>, on targets: [Node], _ arguments: Arguments,
        timeout: CallTimeout = .infinity
    ) async -> RPCMultiCallResult<Result> {
        let outcomes = await erpc.multiCall(function, on: targets, arguments, timeout: timeout)
        var answer = RPCMultiCallResult<Result>(results: [], badNodes: [])
        for (target, outcome) in zip(targets, outcomes) {
            switch outcome {
            case .success(let value): answer.results.append(.value(value))
            case .failure(.noconnection), .failure(.timeout): answer.badNodes.append(target)
            case .failure(let error): answer.results.append(.badRPC(error))
            }
        }
        return answer
    }

    /// Runs `function` on `target` without waiting: Erlang's `rpc:cast/4`.
    public func cast<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>, on target: Node, _ arguments: Arguments
    ) {
        erpc.cast(function, on: target, arguments)
    }
}
