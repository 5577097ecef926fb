import PartisanCore

/// Why a message could not be encoded for another node.
public enum MessageCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message's type (named) is neither a ``Term``, a ``WireEnvelope`` nor `Encodable`.
    case notEncodable(String)
    /// An envelope's term does not have the expected shape.
    case malformedEnvelope(Term)

    public var description: String {
        switch self {
        case .notEncodable(let type): "\(type) has no wire form (not Encodable)"
        case .malformedEnvelope(let term): "malformed envelope \(term)"
        }
    }
}
