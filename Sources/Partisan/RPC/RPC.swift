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
