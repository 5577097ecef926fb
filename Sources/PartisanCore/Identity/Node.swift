/// The name of a node, such as `a@127.0.0.1`: Erlang's node atom.
///
/// A name is `name@host`: both parts non-empty, exactly one `@`, no whitespace, at most 255
/// bytes. The host is a host name (`app@pod-3.app.ns.svc`), an IPv4 address (`a@10.0.0.5`) or
/// an IPv6 address without brackets (`a@fd00::5`, as Erlang writes it); `:` appears only in
/// an IPv6 host. The URI forms of pids, references and registered names write an IPv6 host in
/// brackets (`partisan:pid:a@[fd00::5]:0.1.0:7`), since `:` separates their fields.
public struct Node: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The full name, `name@host`.
    public let name: String

    /// Creates a node name, or returns `nil` if `name` is not of the form `name@host`.
    public init?(_ name: String) {
        guard Node.isValid(name) else { return nil }
        self.name = name
    }

    /// Creates a node name, throwing ``IdentityError/invalidNode(_:)`` if `name` is not of the
    /// form `name@host`.
    public init(validating name: String) throws(IdentityError) {
        guard Node.isValid(name) else { throw .invalidNode(name) }
        self.name = name
    }

    /// The part before the `@`.
    public var shortName: Substring { name[..<name.firstIndex(of: "@")!] }

    /// The part after the `@`.
    public var host: Substring { name[name.index(after: name.firstIndex(of: "@")!)...] }

    /// The name as it appears in a Partisan URI: an IPv6 host in brackets (`a@[::1]`), any
    /// other name as it is.
    var uriForm: String { host.contains(":") ? "\(shortName)@[\(host)]" : name }

    public var description: String { name }

    public static func < (lhs: Node, rhs: Node) -> Bool { lhs.name < rhs.name }

    /// A name already checked (``isValid(utf8:)`` on its bytes).
    init(unchecked name: String) {
        self.name = name
    }

    /// Whether `bytes` are this name's UTF-8 bytes: a name read from the wire compared with a
    /// known one, without making a string of it.
    package func hasName(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var name = name
        return name.withUTF8 { UnsafeRawBufferPointer($0).hasSameBytes(as: bytes) }
    }

    static func isValid(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { isValid(utf8: UnsafeRawBufferPointer($0)) } ?? !name.contains(where: \.isWhitespace)
    }

    /// Checks a name's UTF-8 bytes in one pass (a second, over the host, only when it has a
    /// `:`): `true` or `false` for an ASCII name, `nil` when it has the right shape but
    /// non-ASCII bytes, whose whitespace the caller must check on the decoded characters. Every pid and reference decoded from the wire checks its
    /// node name, so this runs on raw bytes (iterating `Character`s, or even a `String`'s UTF-8
    /// view, showed in remote-call profiles).
    static func isValid(utf8 bytes: UnsafeRawBufferPointer) -> Bool? {
        var at = -1
        var ats = 0
        var firstColon = -1
        var ascii = true
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "@"):
                ats += 1
                at = index
            case UInt8(ascii: ":"):
                if firstColon < 0 { firstColon = index }
            case UInt8(ascii: " "), 0x09...0x0D: return false
            case 0x80...: ascii = false
            default: break
            }
        }
        guard bytes.count <= 255, ats == 1, at > 0, at < bytes.count - 1 else { return false }
        if firstColon >= 0 {
            // Only an IPv6 host has a `:`; an IPv6 literal is ASCII.
            return firstColon > at && IPv6Literal.bytes(bytes[(at + 1)...]) != nil
        }
        return ascii ? true : nil
    }
}

extension Node: ExpressibleByStringLiteral {
    /// Creates a node name from a literal; the literal must be a valid `name@host`.
    public init(stringLiteral value: String) {
        guard let node = Node(value) else { preconditionFailure("invalid node name literal \"\(value)\"") }
        self = node
    }
}

extension Node: Codable {
    /// Decodes a node from its name string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let node = Node(name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid node name \"\(name)\"")
        }
        self = node
    }

    /// Encodes a node as its name string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
