import PartisanCore

/// A message from a process on a peer, read straight from its frame: the hot path of a node's
/// incoming traffic. It reads the control messages that carry a payload — a send to a pid, a
/// registered name or an alias, a call, a call's reply — without building their terms, and
/// compares the pids' node names with the two it expects instead of decoding them.
package struct IncomingSend {
    /// Where the message goes, and as what.
    package enum Target: Hashable {
        /// ``ControlMessage/send(to:from:payload:)``.
        case pid(Pid)
        /// ``ControlMessage/sendName(_:from:payload:)``.
        case name(String)
        /// ``ControlMessage/sendAlias(_:from:payload:)``.
        case alias(Alias)
        /// ``ControlMessage/call(to:ref:from:payload:)``: the message is the request.
        case call(ControlMessage.CallTarget, ref: Ref)
        /// ``ControlMessage/reply(to:from:payload:)``: the message is the answer.
        case reply(Alias)
    }

    package let target: Target
    /// The sending process, on the peer.
    package let sender: Pid
    package let message: any Sendable
    /// The message's manifest when this node could not make it typed (the message is then its
    /// raw `Term`; see ``MessageCodec/undecodableManifest(in:)``).
    package let undecodedManifest: String?

    /// Reads `frame` (an ETF term, version byte first) as a message from a process of `peer` to
    /// `local`. `nil` for any other frame, well formed or not: the caller then decodes it as a
    /// ``ControlMessage`` term, which says what is wrong with it.
    package static func read(
        _ frame: UnsafeRawBufferPointer, from peer: Node, to local: Node, codec: MessageCodec,
        options: ETF.DecodingOptions = .init()
    ) -> IncomingSend? {
        try? parse(frame, from: peer, to: local, codec: codec, options: options)
    }

    private static func parse(
        _ frame: UnsafeRawBufferPointer, from peer: Node, to local: Node, codec: MessageCodec,
        options: ETF.DecodingOptions
    ) throws(ETFError) -> IncomingSend? {
        var reader = try ETFReader(term: frame, options: options)
        let localNode = { (name: UnsafeRawBufferPointer) in local.hasName(name) ? local : nil }
        let peerNode = { (name: UnsafeRawBufferPointer) in peer.hasName(name) ? peer : nil }
        guard let arity = try reader.readSmallTupleHeader(), let tag = try reader.readAtomBytes() else { return nil }
        let target: Target
        switch arity {
        case 4 where tag.elementsEqual("send".utf8):
            guard let pid = try reader.readPid(node: localNode) else { return nil }
            target = .pid(pid)
        case 4 where tag.elementsEqual("send_name".utf8):
            guard let name = try readName(&reader) else { return nil }
            target = .name(name)
        case 5 where tag.elementsEqual("send_alias".utf8), 5 where tag.elementsEqual("reply".utf8):
            guard let pid = try reader.readPid(node: localNode), let ref = try reader.readRef(node: localNode) else {
                return nil
            }
            let alias = Alias(pid: pid, ref: ref)
            target = tag.elementsEqual("reply".utf8) ? .reply(alias) : .alias(alias)
        case 5 where tag.elementsEqual("call".utf8):
            let server: ControlMessage.CallTarget
            if let pid = try reader.readPid(node: localNode) {
                server = .pid(pid)
            } else if let name = try readName(&reader) {
                server = .name(name)
            } else {
                return nil
            }
            // The call's reference is the caller's alias: made on the peer.
            guard let ref = try reader.readRef(node: peerNode) else { return nil }
            target = .call(server, ref: ref)
        default:
            return nil
        }
        guard let sender = try reader.readPid(node: peerNode) else { return nil }
        let (message, undecodedManifest) = try codec.decodePayload(from: &reader, depth: 1)
        guard reader.isAtEnd else { return nil }
        return IncomingSend(target: target, sender: sender, message: message, undecodedManifest: undecodedManifest)
    }

    /// The ASCII atom that comes next, as a registered name; `nil` (having read nothing) for
    /// anything else, which the term decoder then reads as it reads every atom.
    private static func readName(_ reader: inout ETFReader) throws(ETFError) -> String? {
        let start = reader.offset
        guard let bytes = try reader.readAtomBytes(), bytes.allSatisfy({ $0 < 0x80 }) else {
            reader.offset = start
            return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
