import PartisanCore

// A call's request and answer usually cross nodes inside the `call` and `reply` control
// messages, which carry the request or answer as their payload. Sent as ordinary messages
// (an answer from a process other than the server, or a request forwarded by hand), they
// are envelopes:
//
//     {'$gen_call', AliasPid, AliasRef, Request}      a CallRequest
//     {'$gen_reply', Tag, Reply}                      a CallReply
//
// A cast always travels as a message: {'$gen_cast', Request}, a CastRequest (written and read
// by the codec itself, see `encode(_:into:)` and `decodePayload(from:depth:)`).

extension CallRequest: WireEnvelope {
    /// `{'$gen_call', AliasPid, AliasRef, Request}`.
    package func wireTerm(using codec: MessageCodec) throws -> Term {
        .tuple([.atom("$gen_call"), .pid(from.pid), .ref(from.ref), try codec.encode(request)])
    }
}

extension CallReply: WireEnvelope {
    /// `{'$gen_reply', Tag, Reply}`.
    package func wireTerm(using codec: MessageCodec) throws -> Term {
        .tuple([.atom("$gen_reply"), .ref(tag), try codec.encode(value)])
    }
}

extension MessageCodec {
    /// Registers the decoders of the call and cast envelopes (every codec has them).
    func registerCallEnvelopes() {
        registerEnvelope(tag: "$gen_cast") { e, codec in
            guard e.count == 2 else { throw MessageCodecError.malformedEnvelope(.tuple(e)) }
            return castRequest(of: codec.decode(e[1]))
        }
        registerEnvelope(tag: "$gen_call") { e, codec in
            guard e.count == 4, let pid = e[1].pidValue, let ref = e[2].refValue else {
                throw MessageCodecError.malformedEnvelope(.tuple(e))
            }
            let (request, undecoded) = codec.decodeRequest(e[3])
            return CallRequest(request: request, from: Alias(pid: pid, ref: ref), undecodedManifest: undecoded)
        }
        registerEnvelope(tag: "$gen_reply") { e, codec in
            guard e.count == 3, let tag = e[1].refValue else { throw MessageCodecError.malformedEnvelope(.tuple(e)) }
            return CallReply(tag: tag, value: codec.decode(e[2]))
        }
    }

    /// The request a call's payload term stands for, with its manifest when this node cannot
    /// make it typed (see ``undecodableManifest(in:)``).
    func decodeRequest(_ payload: Term) -> (request: any Sendable, undecodedManifest: String?) {
        let request = decode(payload)
        // Only an undecoded request arrives as a `Term`: look for its manifest then alone.
        return (request, type(of: request) == Term.self ? undecodableManifest(in: payload) : nil)
    }
}
