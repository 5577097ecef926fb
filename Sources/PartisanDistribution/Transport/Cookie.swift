/// The shared secret nodes of one cluster hold. It never travels: the handshake proves
/// possession with HMAC-SHA256 over fresh nonces. Its description is redacted so it cannot end
/// up in logs.
public struct Cookie: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The secret's bytes.
    public let bytes: [UInt8]

    /// A cookie from raw bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// A cookie from a string's UTF-8 bytes.
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// A cookie from a string literal.
    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { "Cookie(<redacted>)" }
}
