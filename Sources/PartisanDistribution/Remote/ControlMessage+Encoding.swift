import PartisanCore

extension ControlMessage {
    /// Where a message goes: the three kinds of `send`.
    enum SendTarget {
        case pid(Pid)
        case name(String)
        case alias(Alias)
    }

    /// The wire bytes (version byte first) of a send from `sender` to `target` whose payload
    /// `writePayload` appends: the bytes of the matching ``send(to:from:payload:)``,
    /// ``sendName(_:from:payload:)`` or ``sendAlias(_:from:payload:)`` term, written without
    /// building the term (messages are the hot path of a node's traffic).
    static func encodeSend(
        to target: SendTarget, from sender: Pid, options: ETF.EncodingOptions,
        payload writePayload: (inout ETFWriter) throws -> Void
    ) throws -> [UInt8] {
        var writer = ETFWriter(options: options)
        writer.bytes.reserveCapacity(128)
        writer.writeVersion()
        switch target {
        case .pid(let pid):
            writer.writeSmallTupleHeader(4)
            try writer.writeAtom("send")
            try writer.write(.pid(pid), depth: 1)
        case .name(let name):
            writer.writeSmallTupleHeader(4)
            try writer.writeAtom("send_name")
            try writer.writeAtom(name)
        case .alias(let alias):
            writer.writeSmallTupleHeader(5)
            try writer.writeAtom("send_alias")
            try writer.write(.pid(alias.pid), depth: 1)
            try writer.write(.ref(alias.ref), depth: 1)
        }
        try writer.write(.pid(sender), depth: 1)
        try writePayload(&writer)
        return writer.bytes
    }

    /// The wire bytes (version byte first).
    func encoded(options: ETF.EncodingOptions) throws(ETFError) -> [UInt8] {
        try ETF.encode(term, options: options)
    }
}
