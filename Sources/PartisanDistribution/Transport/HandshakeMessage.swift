import PartisanCore

/// The messages of the handshake, each one ETF term in one frame (see `Guides/Security.md`,
/// "The handshake"):
///
/// ```
/// {hello, Version, NodeName, Creation, NodeSpec, Nonce, {Channel, Index}, {Set, Answers}, {Loop, Ports}}
/// {proof, Mac}
/// established
/// {refused, Reason}
/// ```
///
/// Parsing never formats the peer's bytes into an error: a malformed message is reported by
/// which field was wrong, not by what it held.
enum HandshakeMessage: Equatable {
    case hello(Hello)
    case proof(mac: [UInt8])
    case established
    case refused(reason: String)

    /// The protocol version this build speaks.
    static let version = 2
    /// Nonce length in bytes.
    static let nonceLength = 32
    /// The most per-loop listener ports a hello may announce.
    static let maxLanes = 256

    /// A node's introduction. The dialler names the channel and connection index it opens,
    /// and the set of connections it belongs to (``ConnectionSet``); the acceptor echoes them.
    /// Each side adds the lane its end runs on (``ConnectionLane``). A hello without the set (7
    /// elements) is read as ``ConnectionSet/unnumbered``, one without the lane (8) as no lane.
    struct Hello: Equatable {
        var version: Int
        var node: Node
        var creation: UInt32
        var spec: NodeSpec
        var nonce: [UInt8]
        var channel: String
        var index: Int
        var set: ConnectionSet = .unnumbered
        var lane: ConnectionLane?

        /// The hello as a term: 9 elements, or 8 without a lane.
        var term: Term {
            var fields: [Term] = [
                .atom("hello"), Term(integer: version), .atom(node.name), Term(integer: creation), spec.term,
                .binary(nonce), .tuple([.atom(channel), Term(integer: index)]),
                .tuple([Term(integer: set.number), Term(integer: set.answers)]),
            ]
            if let lane {
                fields.append(.tuple([Term(integer: lane.loop), .list(lane.ports.map { Term(integer: $0) })]))
            }
            return .tuple(fields)
        }
    }

    var term: Term {
        switch self {
        case .hello(let hello): hello.term
        case .proof(let mac): .tuple([.atom("proof"), .binary(mac)])
        case .established: .atom("established")
        case .refused(let reason): .tuple([.atom("refused"), .atom(reason)])
        }
    }

    init(term: Term) throws(HandshakeError) {
        if term == .atom("established") {
            self = .established
            return
        }
        guard let fields = term.tupleValue, let tag = fields.first?.atomValue else {
            throw .malformedMessage("not a handshake tuple")
        }
        switch (tag, fields.count) {
        case ("hello", 7), ("hello", 8), ("hello", 9):
            self = .hello(try Self.hello(from: fields))
        case ("proof", 2):
            guard let mac = fields[1].binaryValue, mac.count == HandshakeProof.length else {
                throw .malformedMessage("proof")
            }
            self = .proof(mac: mac)
        case ("refused", 2):
            guard let reason = fields[1].atomValue else { throw .malformedMessage("refused reason") }
            // Only a reason this protocol defines is kept: the peer's atom is never logged.
            self = .refused(reason: HandshakeError.knownWireReasons.contains(reason) ? reason : "unknown")
        default:
            throw .malformedMessage("unexpected handshake message")
        }
    }

    /// The fields of a `hello` tuple (7 to 9 of them, the tag first).
    private static func hello(from fields: [Term]) throws(HandshakeError) -> Hello {
        guard let version = fields[1].intValue else { throw .malformedMessage("hello version") }
        guard version == Self.version else { throw .versionMismatch(ours: Self.version, theirs: version) }
        guard let name = fields[2].atomValue, let node = Node(name) else {
            throw .malformedMessage("hello node name")
        }
        guard let creation = fields[3].intValue.flatMap(UInt32.init(exactly:)) else {
            throw .malformedMessage("hello creation")
        }
        let spec = try NodeSpec(term: fields[4])
        guard spec.node == node else { throw .malformedMessage("hello node spec names another node") }
        guard let nonce = fields[5].binaryValue, nonce.count == Self.nonceLength else {
            throw .malformedMessage("hello nonce")
        }
        guard let target = fields[6].tupleValue, target.count == 2, let channel = target[0].atomValue,
            let index = target[1].intValue
        else { throw .malformedMessage("hello channel") }
        var set = ConnectionSet.unnumbered
        if fields.count >= 8 {
            guard let numbers = fields[7].tupleValue, numbers.count == 2,
                let number = numbers[0].intValue.flatMap(UInt64.init(exactly:)),
                let answers = numbers[1].intValue.flatMap(UInt64.init(exactly:))
            else { throw .malformedMessage("hello set") }
            set = ConnectionSet(number: number, answers: answers)
        }
        let lane = fields.count == 9 ? try Self.lane(from: fields[8]) : nil
        return Hello(
            version: version, node: node, creation: creation, spec: spec, nonce: nonce, channel: channel,
            index: index, set: set, lane: lane)
    }

    /// The `{Loop, Ports}` of a hello: a loop index and at most ``maxLanes`` TCP ports.
    private static func lane(from term: Term) throws(HandshakeError) -> ConnectionLane {
        guard let parts = term.tupleValue, parts.count == 2, let loop = parts[0].intValue, loop >= 0,
            let list = parts[1].listValue, list.count <= maxLanes
        else { throw .malformedMessage("hello lane") }
        let ports = list.compactMap { $0.intValue.flatMap { (1...65_535).contains($0) ? $0 : nil } }
        guard ports.count == list.count else { throw .malformedMessage("hello lane ports") }
        return ConnectionLane(loop: loop, ports: ports)
    }

    /// A fresh random nonce (from the system's cryptographic generator).
    static func makeNonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<nonceLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
