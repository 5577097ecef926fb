import PartisanCore

/// Why a handshake failed. The connection is closed and the reason logged; the listener keeps
/// accepting other connections.
///
/// Nothing a peer sent before it proved itself appears in these values or their descriptions:
/// a malformed message is described by the field that was wrong, a refusal from the peer by a
/// reason this protocol defines.
public enum HandshakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The peer's proof did not verify: it holds a different cookie (or the proof was made for
    /// another connection).
    case badCookie
    /// A handshake message was not the expected term, or a frame could not be decoded; the
    /// text names what was wrong, never what the peer sent.
    case malformedMessage(String)
    /// The peer speaks another protocol version.
    case versionMismatch(ours: Int, theirs: Int)
    /// The peer claims to be this node.
    case ownName(Node)
    /// We dialled `expected` but another node answered.
    case unexpectedPeer(expected: Node)
    /// The layer above refused the peer (for instance, a node of that name is already
    /// connected); `reason` is what it said. Asked only once the peer has proved the cookie.
    case notAdmitted(Node, reason: String)
    /// The dialler asked for a channel this node does not have, or a connection index outside
    /// the channel's parallelism.
    case unknownChannel(String, index: Int)
    /// With TLS: the peer's certificate does not name the node its hello claims (see
    /// ``TransportConfiguration``'s TLS settings).
    case certificateMismatch(Node)
    /// Too many connections are in their handshake (on this node, or from the peer's address);
    /// the connection was closed without a handshake.
    case tooManyHandshakes
    /// The peer refused the handshake and said why (one of this enum's wire reasons, such as
    /// `bad_cookie` or `not_admitted`; `unknown` for a reason this protocol does not define).
    case refusedByPeer(String)
    /// The handshake did not finish within the configured timeout.
    case timedOut
    /// The connection closed before the handshake finished.
    case connectionClosed

    /// The atom sent to the peer in a `{refused, Reason}` message.
    var wireReason: String {
        switch self {
        case .badCookie: "bad_cookie"
        case .malformedMessage: "malformed"
        case .versionMismatch: "version_mismatch"
        case .ownName: "own_name"
        case .unexpectedPeer: "unexpected_peer"
        case .notAdmitted: "not_admitted"
        case .unknownChannel: "unknown_channel"
        case .certificateMismatch: "bad_certificate"
        case .tooManyHandshakes: "busy"
        case .refusedByPeer: "refused"
        case .timedOut: "timeout"
        case .connectionClosed: "closed"
        }
    }

    /// Every reason a `{refused, Reason}` may carry; a peer's other atoms read as `unknown`.
    static let knownWireReasons: Set<String> = [
        "bad_cookie", "malformed", "version_mismatch", "own_name", "unexpected_peer", "not_admitted",
        "unknown_channel", "bad_certificate", "busy", "refused", "timeout", "closed",
    ]

    public var description: String {
        switch self {
        case .badCookie: "peer failed the cookie proof"
        case .malformedMessage(let what): "malformed handshake message: \(what)"
        case .versionMismatch(let ours, let theirs): "protocol version \(theirs), expected \(ours)"
        case .ownName(let node): "peer claims this node's name \(node)"
        case .unexpectedPeer(let expected): "dialled \(expected) but another node answered"
        case .notAdmitted(let node, let reason): "peer \(node) not admitted: \(reason)"
        case .unknownChannel(let name, let index): "unknown channel \(name) or connection index \(index)"
        case .certificateMismatch(let node): "the peer's certificate does not name \(node)"
        case .tooManyHandshakes: "too many handshakes in progress"
        case .refusedByPeer(let reason): "peer refused the handshake: \(reason)"
        case .timedOut: "handshake timed out"
        case .connectionClosed: "connection closed during the handshake"
        }
    }
}
