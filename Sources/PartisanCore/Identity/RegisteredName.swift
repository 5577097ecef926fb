/// A registered process name on a given node: Erlang's `{Name, Node}`.
///
/// The printed form is Partisan's URI, `partisan:name:a@127.0.0.1:counter`. A name is
/// non-empty, has no `:` and no whitespace.
public struct RegisteredName: Hashable, Sendable, CustomStringConvertible {
    /// The name the process is registered under on `node`.
    public let name: String
    /// The node whose registry holds the name.
    public let node: Node

    /// Creates a name on a node, or returns `nil` if `name` is empty or contains `:` or
    /// whitespace.
    public init?(_ name: String, on node: Node) {
        guard RegisteredName.isValid(name) else { return nil }
        self.name = name
        self.node = node
    }

    /// The URI form, `partisan:name:NODE:NAME`.
    public var description: String { "partisan:name:\(node.uriForm):\(name)" }

    /// Parses the URI form.
    public init(parsing uri: String) throws(IdentityError) {
        guard let parts = URIParts(uri, kind: "name"), let name = parts.fields.first,
            RegisteredName.isValid(String(name))
        else { throw .invalidURI(uri) }
        self.name = String(name)
        self.node = parts.node
    }

    /// Whether `name` can be registered: non-empty, at most 255 bytes, no `:` and no whitespace.
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 255 && !name.contains(":") && !name.contains(where: \.isWhitespace)
    }
}

extension RegisteredName: Codable {
    /// Decodes a registered name from its URI string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let uri = try container.decode(String.self)
        do { try self.init(parsing: uri) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes a registered name as its URI string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
