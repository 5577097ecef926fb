import PartisanCore

extension ControlMessage {
    /// Reads a signal that carries no message — `link`, `unlink`, `exit`, `monitor`,
    /// `demonitor`, `down` — straight from `frame` (an ETF term, version byte first) as one
    /// from a process of `peer` to one of `local`, as ``IncomingSend`` reads the messages: the
    /// pids' and references' node names are compared with the ones expected instead of being
    /// decoded, and only an exit or down reason is read as a term. `nil` for any other frame,
    /// well formed or not (and for a reference made on an unexpected node): the caller then
    /// decodes it as a term, which says what is wrong with it.
    package static func readSignal(
        _ frame: UnsafeRawBufferPointer, from peer: Node, to local: Node, options: ETF.DecodingOptions = .init()
    ) -> ControlMessage? {
        try? parseSignal(frame, from: peer, to: local, options: options)
    }

    private static func parseSignal(
        _ frame: UnsafeRawBufferPointer, from peer: Node, to local: Node, options: ETF.DecodingOptions
    ) throws(ETFError) -> ControlMessage? {
        var reader = try ETFReader(term: frame, options: options)
        let localNode = { (name: UnsafeRawBufferPointer) in local.hasName(name) ? local : nil }
        let peerNode = { (name: UnsafeRawBufferPointer) in peer.hasName(name) ? peer : nil }
        guard let arity = try reader.readSmallTupleHeader(), let tag = try reader.readAtomBytes() else { return nil }
        let signal: ControlMessage
        switch arity {
        case 3 where tag.elementsEqual("link".utf8), 3 where tag.elementsEqual("unlink".utf8):
            guard let from = try reader.readPid(node: peerNode), let to = try reader.readPid(node: localNode) else {
                return nil
            }
            signal = tag.elementsEqual("link".utf8) ? .link(from: from, to: to) : .unlink(from: from, to: to)
        case 5 where tag.elementsEqual("exit".utf8):
            guard let from = try reader.readPid(node: peerNode), let to = try reader.readPid(node: localNode) else {
                return nil
            }
            let reason = ExitReason(term: try reader.readTerm(atDepth: 1))
            guard let viaLink = try readBool(&reader) else { return nil }
            signal = .exit(from: from, to: to, reason: reason, viaLink: viaLink)
        case 4 where tag.elementsEqual("monitor".utf8), 4 where tag.elementsEqual("demonitor".utf8):
            // The watcher's node made the reference.
            guard let watcher = try reader.readPid(node: peerNode), let target = try reader.readPid(node: localNode),
                let ref = try reader.readRef(node: peerNode)
            else { return nil }
            signal =
                tag.elementsEqual("monitor".utf8)
                ? .monitor(watcher: watcher, target: target, ref: ref)
                : .demonitor(watcher: watcher, target: target, ref: ref)
        case 5 where tag.elementsEqual("down".utf8):
            guard let watcher = try reader.readPid(node: localNode), let ref = try reader.readRef(node: localNode),
                let target = try reader.readPid(node: peerNode)
            else { return nil }
            signal = .down(
                watcher: watcher, ref: ref, target: target, reason: ExitReason(term: try reader.readTerm(atDepth: 1)))
        default:
            return nil
        }
        return reader.isAtEnd ? signal : nil
    }

    /// The atom `true` or `false` that comes next.
    private static func readBool(_ reader: inout ETFReader) throws(ETFError) -> Bool? {
        guard let atom = try reader.readAtomBytes() else { return nil }
        if atom.elementsEqual("true".utf8) { return true }
        if atom.elementsEqual("false".utf8) { return false }
        return nil
    }
}
