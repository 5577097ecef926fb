import PartisanCore

extension ControlMessage {
    /// What a frame that carries a process's message holds before its sender: the tag and
    /// where the message goes.
    enum MessageHead {
        /// ``send(to:from:payload:)``, ``sendName(_:from:payload:)`` or
        /// ``sendAlias(_:from:payload:)``.
        case send(RemoteSignal.Destination)
        /// ``call(to:ref:from:payload:)``.
        case call(CallTarget, ref: Ref)
        /// ``reply(to:from:payload:)``.
        case reply(Alias)
    }

    /// The wire bytes (version byte first) of a message from `sender` that `head` addresses and
    /// whose payload `writePayload` appends (it may leave a final large binary in the tail): the
    /// bytes of the matching term, written without building it (messages, calls and replies
    /// are the hot path of a node's traffic).
    static func encodeMessage(
        _ head: MessageHead, from sender: Pid, options: ETF.EncodingOptions,
        payload writePayload: (inout ETFWriter, inout [UInt8]) throws -> Void
    ) throws -> EncodedMessage {
        var writer = ETFWriter(options: options)
        writer.bytes.reserveCapacity(128)
        writer.writeVersion()
        switch head {
        case .send(.pid(let pid)):
            writer.writeSmallTupleHeader(4)
            try writer.writeAtom("send")
            try writer.writePid(pid)
        case .send(.name(let name)):
            writer.writeSmallTupleHeader(4)
            try writer.writeAtom("send_name")
            try writer.writeAtom(name.name)
        case .send(.alias(let alias)):
            writer.writeSmallTupleHeader(5)
            try writer.writeAtom("send_alias")
            try writer.writePid(alias.pid)
            try writer.writeRef(alias.ref)
        case .call(let target, let ref):
            writer.writeSmallTupleHeader(5)
            try writer.writeAtom("call")
            switch target {
            case .pid(let pid): try writer.writePid(pid)
            case .name(let name): try writer.writeAtom(name)
            }
            try writer.writeRef(ref)
        case .reply(let alias):
            writer.writeSmallTupleHeader(5)
            try writer.writeAtom("reply")
            try writer.writePid(alias.pid)
            try writer.writeRef(alias.ref)
        }
        try writer.writePid(sender)
        var tail: [UInt8] = []
        try writePayload(&writer, &tail)
        return EncodedMessage(head: writer.bytes, tail: tail)
    }

    /// The wire bytes (version byte first): the bytes of ``term``, written without building
    /// it (a remote call alone sends a `monitor` and a `demonitor` besides its request).
    func encoded(options: ETF.EncodingOptions) throws(ETFError) -> EncodedMessage {
        var writer = ETFWriter(options: options)
        writer.writeVersion()
        switch self {
        case .send, .sendName, .sendAlias, .call, .reply:
            try writer.write(term, depth: 0)
        case .link(let from, let to), .unlink(let from, let to):
            writer.writeSmallTupleHeader(3)
            try writer.writeAtom(tag)
            try writer.writePid(from)
            try writer.writePid(to)
        case .exit(let from, let to, let reason, let viaLink):
            writer.writeSmallTupleHeader(5)
            try writer.writeAtom(tag)
            try writer.writePid(from)
            try writer.writePid(to)
            try writer.write(reason.term, depth: 1)
            try writer.write(.bool(viaLink), depth: 1)
        case .monitor(let watcher, let target, let ref), .demonitor(let watcher, let target, let ref):
            writer.writeSmallTupleHeader(4)
            try writer.writeAtom(tag)
            try writer.writePid(watcher)
            try writer.writePid(target)
            try writer.writeRef(ref)
        case .down(let watcher, let ref, let target, let reason):
            writer.writeSmallTupleHeader(5)
            try writer.writeAtom(tag)
            try writer.writePid(watcher)
            try writer.writeRef(ref)
            try writer.writePid(target)
            try writer.write(reason.term, depth: 1)
        }
        return EncodedMessage(head: writer.bytes)
    }
}
