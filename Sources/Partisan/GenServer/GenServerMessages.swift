/// A call as it travels to the server: the request and where the answer goes.
@usableFromInline
struct GenServerCall: Sendable {
    @usableFromInline let request: any Sendable
    @usableFromInline let from: Alias
    /// For a call from another node whose request this node could not decode (see
    /// ``MessageCodec/undecodableManifest(in:)``), the request's manifest; the request is then
    /// its raw `Term`.
    @usableFromInline let undecodedManifest: String?

    init(request: any Sendable, from: Alias, undecodedManifest: String? = nil) {
        self.request = request
        self.from = from
        self.undecodedManifest = undecodedManifest
    }

    /// Answers a call whose request the server cannot take because its node could not decode
    /// it: the caller fails with ``GenServerError/unknownRequestType(manifest:)`` at once
    /// instead of waiting for its timeout. Returns `false` (nothing sent) for any other call.
    @usableFromInline
    func rejectUndecoded(from server: ProcessContext) -> Bool {
        guard let undecodedManifest else { return false }
        let answer = GenServerUnknownRequest(manifest: undecodedManifest)
        server.send(GenServerReply(tag: from.ref, value: answer), to: from)
        return true
    }
}

/// The answer to a call whose request the server's node could not decode (see
/// ``GenServerCall/rejectUndecoded(from:)``).
struct GenServerUnknownRequest: Sendable {
    /// The request's manifest, as ``MessageCodec/reportedManifest(_:)`` bounds it.
    let manifest: String
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

extension GenServerUnknownRequest: WireEnvelope {
    /// `{'$gen_unknown_request', Manifest}`.
    func wireTerm(using codec: MessageCodec) throws -> Term {
        .tuple([.atom("$gen_unknown_request"), .string(manifest)])
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
            let request = codec.decode(e[3])
            // Only an undecoded request arrives as a `Term`: look for its manifest then alone.
            let undecoded = type(of: request) == Term.self ? codec.undecodableManifest(in: e[3]) : nil
            return GenServerCall(request: request, from: Alias(pid: pid, ref: ref), undecodedManifest: undecoded)
        }
        registerEnvelope(tag: "$gen_cast") { e, codec in
            guard e.count == 2 else { throw MessageCodecError.malformedEnvelope(.tuple(e)) }
            return castEnvelope(codec.decode(e[1]))
        }
        registerEnvelope(tag: "$gen_reply") { e, codec in
            guard e.count == 3, let tag = e[1].refValue else { throw MessageCodecError.malformedEnvelope(.tuple(e)) }
            return GenServerReply(tag: tag, value: codec.decode(e[2]))
        }
        registerEnvelope(tag: "$gen_unknown_request") { e, _ in
            guard e.count == 2, case .binary(let manifest) = e[1] else {
                throw MessageCodecError.malformedEnvelope(.tuple(e))
            }
            return GenServerUnknownRequest(manifest: MessageCodec.reportedManifest(manifest))
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
