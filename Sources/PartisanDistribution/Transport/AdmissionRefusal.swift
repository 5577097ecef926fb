/// Why ``TransportDelegate/admit(_:)`` refused a peer. A string literal is an ``other(_:)``.
public enum AdmissionRefusal: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// Another incarnation (same name, another creation) of the peer is connected to this
    /// node; the peer is told `duplicate_name`. See ``NetKernel``, "Incarnations".
    case duplicateName
    /// Any other reason, in words; the peer is told `not_admitted`.
    case other(String)

    /// A refusal for `value`: ``other(_:)``.
    public init(stringLiteral value: String) { self = .other(value) }

    /// The atom the peer receives in `{refused, Reason}`, and sees as
    /// ``HandshakeError/refusedByPeer(_:)``: `duplicate_name` or `not_admitted`.
    public var wireReason: String {
        switch self {
        case .duplicateName: "duplicate_name"
        case .other: "not_admitted"
        }
    }

    public var description: String {
        switch self {
        case .duplicateName: "another incarnation of this node name is connected"
        case .other(let reason): reason
        }
    }
}
