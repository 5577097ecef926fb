import PartisanCore

/// A message from a process on a peer to a local pid or alias, read straight from its frame:
/// the hot path of a node's incoming traffic. It reads a ``ControlMessage/send(to:from:payload:)``
/// or ``ControlMessage/sendAlias(_:from:payload:)`` without building their terms, and compares
/// the pids' node names with the two it expects instead of decoding them.
package struct IncomingSend {
    /// Where the message goes.
    package enum Target: Hashable {
        case pid(Pid)
        case alias(Alias)
    }

    package let target: Target
    package let message: any Sendable

    /// Reads `frame` (an ETF term, version byte first) as a send from a process of `peer` to a
    /// pid or alias of `local`. `nil` for any other frame, well formed or not: the caller then
    /// decodes it as a ``ControlMessage`` term, which says what is wrong with it.
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
        guard let arity = try reader.readSmallTupleHeader(), let tag = try reader.readAtomBytes() else { return nil }
        let target: Target
        if arity == 4, tag.elementsEqual("send".utf8) {
            guard let pid = try reader.readPid(node: localNode) else { return nil }
            target = .pid(pid)
        } else if arity == 5, tag.elementsEqual("send_alias".utf8) {
            guard let pid = try reader.readPid(node: localNode), let ref = try reader.readRef(node: localNode) else {
                return nil
            }
            target = .alias(Alias(pid: pid, ref: ref))
        } else {
            return nil
        }
        guard try reader.readPid(node: { peer.hasName($0) ? peer : nil }) != nil else { return nil }
        let message = try codec.decodePayload(from: &reader, depth: 1)
        guard reader.isAtEnd else { return nil }
        return IncomingSend(target: target, message: message)
    }
}
