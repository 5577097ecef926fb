/// A process identifier: the node the process runs on, its local id and serial, and the node's
/// creation.
///
/// `id` and `serial` together are a 64-bit counter that a node never reuses, and `creation`
/// changes every time a node with the same name starts, so a pid of a restarted node never
/// aliases a pid of an earlier incarnation (Erlang's `NEW_PID_EXT` carries the same fields).
///
/// The printed form is Partisan's URI, `partisan:pid:a@127.0.0.1:0.1062.0:CREATION`. The
/// trailing creation is optional when parsing (absent means 0); the `0` before the id is the
/// node-index slot of Erlang's `<0.1062.0>` and is always 0 here.
public struct Pid: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The node the process runs on.
    public let node: Node
    /// The low 32 bits of the process counter.
    public let id: UInt32
    /// The high 32 bits of the process counter.
    public let serial: UInt32
    /// The incarnation of `node` that created this pid.
    public let creation: UInt32

    /// Creates a pid from its parts. Processes get theirs from the runtime; this initialiser is
    /// for decoders and tests.
    public init(node: Node, id: UInt32, serial: UInt32, creation: UInt32) {
        self.node = node
        self.id = id
        self.serial = serial
        self.creation = creation
    }

    /// The URI form, `partisan:pid:NODE:0.ID.SERIAL:CREATION`.
    public var description: String { "partisan:pid:\(node.uriForm):0.\(id).\(serial):\(creation)" }

    /// Parses the URI form; the trailing `:CREATION` may be omitted.
    public init(parsing uri: String) throws(IdentityError) {
        guard let parts = URIParts(uri, kind: "pid"),
            let numbers = parts.dottedNumbers(count: 3), numbers[0] == 0,
            let creation = parts.creation
        else { throw .invalidURI(uri) }
        self.init(node: parts.node, id: numbers[1], serial: numbers[2], creation: creation)
    }

    public static func < (lhs: Pid, rhs: Pid) -> Bool {
        (lhs.node, lhs.creation, lhs.serial, lhs.id) < (rhs.node, rhs.creation, rhs.serial, rhs.id)
    }
}

extension Pid: Codable {
    /// Decodes a pid from its URI string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let uri = try container.decode(String.self)
        do { try self.init(parsing: uri) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes a pid as its URI string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
