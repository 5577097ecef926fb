/// A call as it travels to the server: the request and where the answer goes.
@usableFromInline
struct GenServerCall: Sendable {
    @usableFromInline let request: any Sendable
    @usableFromInline let from: Alias
}

/// A cast as it travels to the server. Generic over the request so that a small request
/// travels inline in the mailbox's existential, without a heap box per cast.
@usableFromInline
struct GenServerCast<Request: Sendable>: Sendable {
    @usableFromInline let request: Request

    @usableFromInline
    init(request: Request) { self.request = request }
}

/// A call's answer, tagged with the call's alias.
@usableFromInline
struct GenServerReply: Sendable {
    @usableFromInline let tag: Ref
    @usableFromInline let value: any Sendable
}

/// ``GenServerRef/stop(_:timeout:)``'s request: stop with `reason` (terminate runs).
@usableFromInline
struct GenServerStopRequest: Sendable {
    @usableFromInline let reason: ExitReason
}

// MARK: Wire forms

// The envelopes cross nodes as tagged tuples (see `Guides/Distribution.md`); the request,
// reply and cast values inside are payloads of the node's `MessageCodec`, so their types must
// be registered on the receiving node to arrive typed.

extension GenServerCall: WireEnvelope {
    /// `{'$gen_call', AliasPid, AliasRef, Request}`.
    @usableFromInline func wireTerm(using codec: MessageCodec) throws -> Term {
        .tuple([.atom("$gen_call"), .pid(from.pid), .ref(from.ref), try codec.encode(request)])
    }
}

extension GenServerCast: WireEnvelope {
    /// `{'$gen_cast', Request}`.
    @usableFromInline func wireTerm(using codec: MessageCodec) throws -> Term {
        .tuple([.atom("$gen_cast"), try codec.encode(request)])
    }
}

extension GenServerReply: WireEnvelope {
    /// `{'$gen_reply', Tag, Reply}`.
    @usableFromInline func wireTerm(using codec: MessageCodec) throws -> Term {
        .tuple([.atom("$gen_reply"), .ref(tag), try codec.encode(value)])
    }
}

extension GenServerStopRequest: WireEnvelope {
    /// `{'$gen_stop', Reason}`.
    @usableFromInline func wireTerm(using codec: MessageCodec) throws -> Term {
        .tuple([.atom("$gen_stop"), reason.term])
    }
}

extension MessageCodec {
    /// Registers the decoders of the behaviours' envelopes.
    func registerBehaviourEnvelopes() {
        registerEnvelope(tag: "$gen_call") { e, codec in
            guard e.count == 4, let pid = e[1].pidValue, let ref = e[2].refValue else {
                throw MessageCodecError.malformedEnvelope(.tuple(e))
            }
            return GenServerCall(request: codec.decode(e[3]), from: Alias(pid: pid, ref: ref))
        }
        registerEnvelope(tag: "$gen_cast") { e, codec in
            guard e.count == 2 else { throw MessageCodecError.malformedEnvelope(.tuple(e)) }
            return castEnvelope(codec.decode(e[1]))
        }
        registerEnvelope(tag: "$gen_reply") { e, codec in
            guard e.count == 3, let tag = e[1].refValue else { throw MessageCodecError.malformedEnvelope(.tuple(e)) }
            return GenServerReply(tag: tag, value: codec.decode(e[2]))
        }
        registerEnvelope(tag: "$gen_stop") { e, _ in
            guard e.count == 2 else { throw MessageCodecError.malformedEnvelope(.tuple(e)) }
            return GenServerStopRequest(reason: ExitReason(term: e[1]))
        }
    }
}

/// A cast envelope of the request's dynamic type (the server matches
/// `GenServerCast<Server.Cast>`): passing the decoded `any Sendable` opens it.
private func castEnvelope<Request: Sendable>(_ request: Request) -> any Sendable {
    GenServerCast(request: request)
}
