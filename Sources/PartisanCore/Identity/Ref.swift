/// A unique reference, Erlang's `make_ref()`: unique among all references made by all
/// incarnations of a node, and tagged with that node.
///
/// Used to correlate replies with requests and to name monitors. The printed form is Partisan's
/// URI, `partisan:ref:a@127.0.0.1:0.A.B.C:CREATION` (the trailing creation is optional when
/// parsing).
public struct Ref: Hashable, Sendable, CustomStringConvertible {
    /// The node that made the reference.
    public let node: Node
    /// The incarnation of `node` that made it.
    public let creation: UInt32
    /// The three 32-bit words that make it unique on its node (`NEWER_REFERENCE_EXT` IDs).
    public let words: (UInt32, UInt32, UInt32)

    /// Creates a reference from its parts. References come from the runtime's `makeRef()`;
    /// this initialiser is for decoders and tests.
    public init(node: Node, creation: UInt32, words: (UInt32, UInt32, UInt32)) {
        self.node = node
        self.creation = creation
        self.words = words
    }

    /// The URI form, `partisan:ref:NODE:0.A.B.C:CREATION`.
    public var description: String {
        "partisan:ref:\(node.uriForm):0.\(words.0).\(words.1).\(words.2):\(creation)"
    }

    /// Parses the URI form; the trailing `:CREATION` may be omitted.
    public init(parsing uri: String) throws(IdentityError) {
        guard let parts = URIParts(uri, kind: "ref"),
            let numbers = parts.dottedNumbers(count: 4), numbers[0] == 0,
            let creation = parts.creation
        else { throw .invalidURI(uri) }
        self.init(node: parts.node, creation: creation, words: (numbers[1], numbers[2], numbers[3]))
    }

    public static func == (lhs: Ref, rhs: Ref) -> Bool {
        lhs.words == rhs.words && lhs.creation == rhs.creation && lhs.node == rhs.node
    }

    /// Hashes the words and the creation only: they already make a reference unique on its
    /// node, and hashing the node's name would dominate the cost of monitor tables. Equality
    /// still compares the node.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(UInt64(words.0) | UInt64(words.1) << 32)
        hasher.combine(UInt64(words.2) | UInt64(creation) << 32)
    }
}

extension Ref: Codable {
    /// Decodes a reference from its URI string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let uri = try container.decode(String.self)
        do { try self.init(parsing: uri) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes a reference as its URI string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
