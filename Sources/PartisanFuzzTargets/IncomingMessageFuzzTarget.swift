import PartisanCore
import PartisanDistribution

/// The reader of incoming process messages (``IncomingSend``, with ``MessageCodec``'s
/// payload reader) on arbitrary frames from peer ``peer`` to node ``local``.
///
/// Properties checked on every input:
/// - when the reader takes a frame, the generic decoding of the same frame (``ETF``, then
///   ``ControlMessage``, then ``MessageCodec/decode(_:)``, as a node decodes any other
///   frame) takes it too, as the same kind of message (`send`, `send_name`, `send_alias`,
///   `call` or `reply`) from a pid of the peer to a pid, name or alias of this node, with the
///   same target and a message whose payload term is the same;
/// - when the signal reader (``ControlMessage/readSignal(_:from:to:options:)``) takes a frame,
///   the generic decoding takes it as the same control message, from the peer to this node;
/// - the generic decoding of any frame never traps.
enum IncomingMessageFuzzTarget {
    static let local: Node = "a@127.0.0.1"
    static let peer: Node = "b@127.0.0.1"

    /// A codec with the common types and two of the probe types registered, so that frames
    /// reach the registered, the unknown and the raw-term payloads.
    static let codec: MessageCodec = {
        let codec = MessageCodec()
        codec.register(ETFFuzzTarget.Probe.self, manifest: "probe")
        codec.register(ETFFuzzTarget.Probe.Command.self, manifest: "command")
        return codec
    }()

    static func run(_ frame: UnsafeRawBufferPointer) {
        let fast = IncomingSend.read(frame, from: peer, to: local, codec: codec)
        let message = (try? ETF.decode(frame)).flatMap(ControlMessage.init(term:))
        if let signal = ControlMessage.readSignal(frame, from: peer, to: local) {
            fuzzCheck(fast == nil, "a frame read both as a message and as a signal")
            fuzzCheck(signal == message, "the signal reader and the generic decoding disagree")
            fuzzCheck(signal.sender.node == peer, "the signal reader took a signal from another node")
            fuzzCheck(signal.recipient?.node == local, "the signal reader took a signal to another node")
            return
        }
        guard let fast else {
            if let message { _ = payload(of: message).map(codec.decode) }
            return
        }
        guard let message else { fuzzFailure("the reader took a frame the generic decoding refuses") }
        fuzzCheck(message.sender.node == peer, "the reader took a message from another node")
        fuzzCheck(message.recipient.map { $0.node == local } ?? true, "the reader took a message to another node")
        fuzzCheck(fast.sender == message.sender, "the reader and the generic decoding disagree on the sender")
        let agrees: Bool
        switch (fast.target, message) {
        case (.pid(let pid), .send(let to, _, _)): agrees = pid == to
        case (.name(let name), .sendName(let to, _, _)): agrees = name == to
        case (.alias(let alias), .sendAlias(let to, _, _)): agrees = alias == to
        case (.call(let server, let ref), .call(let to, let sentRef, _, _)): agrees = server == to && ref == sentRef
        case (.reply(let alias), .reply(let to, _, _)): agrees = alias == to
        default: fuzzFailure("the reader and the generic decoding disagree on the kind of message")
        }
        fuzzCheck(agrees, "the reader and the generic decoding disagree on the target")
        guard let payload = payload(of: message) else { fuzzFailure("a send without payload") }
        let generic = codec.decode(payload)
        fuzzCheck(
            sameTerm(fast.message, generic),
            "the reader and the generic decoding disagree on the message (\(type(of: fast.message)), "
                + "\(type(of: generic)))")
    }

    private static func payload(of message: ControlMessage) -> Term? {
        switch message {
        case .send(_, _, let payload), .sendName(_, _, let payload), .sendAlias(_, _, let payload),
            .call(_, _, _, let payload), .reply(_, _, let payload):
            payload
        default: nil
        }
    }

    /// Whether two messages have the same payload term (the codec's wire form of each).
    private static func sameTerm(_ a: any Sendable, _ b: any Sendable) -> Bool {
        guard let ta = try? codec.encode(a), let tb = try? codec.encode(b) else { return false }
        return ta == tb
    }
}
