/// A request to run a function, as it travels to a node's RPC server (``RPCServer``).
struct RPCCallRequest: Sendable {
    /// The function's registered name.
    let function: String
    /// The arguments, already encoded (so the server needs no type registry for them).
    let arguments: Term
    /// Where the answer goes; `nil` for a cast, which gets none.
    let replyTo: Alias?
    /// The channel the request travels on and its answer travels back on; `nil` for
    /// `default`.
    let channel: String?

    /// How the request and its answer travel between the nodes.
    var deliveryOptions: DeliveryOptions { channel.map { .channel($0) } ?? .standard }
}

/// The answer to an ``RPCCallRequest``, tagged with the caller's alias reference.
struct RPCReply: Sendable {
    let tag: Ref
    let outcome: RPCOutcome
}

/// What a call produced: the encoded result, or why there is none.
enum RPCOutcome: Sendable {
    case value(Term)
    case failure(RPCError)
}

// MARK: Wire forms

// Like the behaviours' envelopes, the RPC messages cross nodes as tagged tuples; arguments and
// results are terms already, so they need no registered types.

extension RPCCallRequest: WireEnvelope {
    /// `{'$rpc_call', Name, Args, AliasPid, AliasRef, Channel}` (`Channel` an atom, or
    /// `undefined` for `default`), or `{'$rpc_call', Name, Args}` for a cast.
    func wireTerm(using codec: MessageCodec) throws -> Term {
        var elements: [Term] = [.atom("$rpc_call"), .string(function), arguments]
        if let replyTo { elements += [.pid(replyTo.pid), .ref(replyTo.ref), .atom(channel ?? "undefined")] }
        return .tuple(elements)
    }
}

extension RPCReply: WireEnvelope {
    /// `{'$rpc_reply', Tag, {ok, Result} | Error}`, the error as ``RPCError/term``.
    func wireTerm(using codec: MessageCodec) throws -> Term {
        switch outcome {
        case .value(let result): .tuple([.atom("$rpc_reply"), .ref(tag), .tuple([.atom("ok"), result])])
        case .failure(let error): .tuple([.atom("$rpc_reply"), .ref(tag), error.term])
        }
    }
}

extension RPCOutcome {
    /// The outcome that `term` (the third element of a reply) stands for.
    init(term: Term) {
        if case .tuple(let elements) = term, elements.count == 2, elements[0] == .atom("ok") {
            self = .value(elements[1])
        } else {
            self = .failure(RPCError(term: term))
        }
    }
}

extension RPCError {
    /// The error as a term: `timeout`, `noconnection`, `overloaded`, `shutting_down`, `{undef, Name}`,
    /// `{badarg, Why}`, `{exception, Type, Message}`, `{exit, Reason}`, `{badresult, Why}`,
    /// `{caller_exiting, Reason}`.
    var term: Term {
        switch self {
        case .timeout: .atom("timeout")
        case .noconnection: .atom("noconnection")
        case .overloaded: .atom("overloaded")
        case .shuttingDown: .atom("shutting_down")
        case .undef(let name): .tuple([.atom("undef"), .string(name)])
        case .badArguments(let why): .tuple([.atom("badarg"), .string(why)])
        case .exception(let type, let message): .tuple([.atom("exception"), .string(type), .string(message)])
        case .exit(let reason): .tuple([.atom("exit"), reason.term])
        case .badResult(let why): .tuple([.atom("badresult"), .string(why)])
        case .callerExiting(let reason): .tuple([.atom("caller_exiting"), reason.term])
        }
    }

    /// The error `term` stands for; an unknown shape becomes ``badResult(_:)``.
    init(term: Term) {
        switch term {
        case .atom("timeout"): self = .timeout
        case .atom("noconnection"): self = .noconnection
        case .atom("overloaded"): self = .overloaded
        case .atom("shutting_down"): self = .shuttingDown
        case .tuple(let e) where e.count == 2 && e[0] == .atom("undef"):
            self = .undef(e[1].stringValue ?? "\(e[1])")
        case .tuple(let e) where e.count == 2 && e[0] == .atom("badarg"):
            self = .badArguments(e[1].stringValue ?? "\(e[1])")
        case .tuple(let e) where e.count == 3 && e[0] == .atom("exception"):
            self = .exception(type: e[1].stringValue ?? "\(e[1])", message: e[2].stringValue ?? "\(e[2])")
        case .tuple(let e) where e.count == 2 && e[0] == .atom("exit"):
            self = .exit(ExitReason(term: e[1]))
        case .tuple(let e) where e.count == 2 && e[0] == .atom("caller_exiting"):
            self = .callerExiting(ExitReason(term: e[1]))
        case .tuple(let e) where e.count == 2 && e[0] == .atom("badresult"):
            self = .badResult(e[1].stringValue ?? "\(e[1])")
        default:
            self = .badResult("unknown answer \(term)")
        }
    }
}

extension MessageCodec {
    /// Registers the decoders of the RPC envelopes.
    func registerRPCEnvelopes() {
        registerEnvelope(tag: "$rpc_call") { e, _ in
            guard e.count == 3 || e.count == 6, let function = e[1].stringValue else {
                throw MessageCodecError.malformedEnvelope(.tuple(e))
            }
            var replyTo: Alias?
            var channel: String?
            if e.count == 6 {
                guard let pid = e[3].pidValue, let ref = e[4].refValue, case .atom(let name) = e[5] else {
                    throw MessageCodecError.malformedEnvelope(.tuple(e))
                }
                replyTo = Alias(pid: pid, ref: ref)
                channel = name == "undefined" ? nil : name
            }
            return RPCCallRequest(function: function, arguments: e[2], replyTo: replyTo, channel: channel)
        }
        registerEnvelope(tag: "$rpc_reply") { e, _ in
            guard e.count == 3, let tag = e[1].refValue else { throw MessageCodecError.malformedEnvelope(.tuple(e)) }
            return RPCReply(tag: tag, outcome: RPCOutcome(term: e[2]))
        }
    }
}
