extension CallRequest {
    /// Answers a call whose request the server cannot take because its node could not decode
    /// it: the caller fails with ``GenServerError/unknownRequestType(manifest:)`` at once
    /// instead of waiting for its timeout. Returns `false` (nothing sent) for any other call.
    @usableFromInline
    func rejectUndecoded(from server: ProcessContext) -> Bool {
        guard let undecodedManifest else { return false }
        server.reply(GenServerUnknownRequest(manifest: undecodedManifest), to: from)
        return true
    }
}

/// The answer to a call whose request the server's node could not decode (see
/// ``CallRequest/rejectUndecoded(from:)``).
struct GenServerUnknownRequest: Sendable {
    /// The request's manifest, as ``MessageCodec/reportedManifest(_:)`` bounds it.
    let manifest: String
}

/// ``GenServerRef/stop(_:timeout:)``'s request: stop with `reason` (terminate runs).
@usableFromInline
struct GenServerStopRequest: Sendable {
    @usableFromInline let reason: ExitReason
}

// MARK: Wire forms

// The envelopes cross nodes as tagged tuples (see `Guides/Distribution.md`); calls, replies and
// casts are the codec's own (`CastRequest`, `CallRequest`, `CallReply`, in the runtime).

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
