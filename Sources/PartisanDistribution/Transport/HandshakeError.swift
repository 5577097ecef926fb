import PartisanCore

/// Why a handshake failed. The connection is closed and the reason logged; the listener keeps
/// accepting other connections.
public enum HandshakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The peer's answer to our challenge did not match: it holds a different cookie.
    case badCookie
    /// A handshake message was not the expected term, or a frame could not be decoded.
    case malformedMessage(String)
    /// The peer speaks another protocol version.
    case versionMismatch(ours: Int, theirs: Int)
    /// The peer claims to be this node.
    case ownName(Node)
    /// We dialled `expected` but `got` answered.
    case unexpectedPeer(expected: Node, got: Node)
    /// The layer above refused the peer (for instance, another incarnation of that name is
    /// connected: ``AdmissionRefusal/duplicateName``); `reason` is what it said.
    case notAdmitted(Node, reason: AdmissionRefusal)
    /// The dialler asked for a channel this node does not have, or a connection index outside
    /// the channel's parallelism.
    case unknownChannel(String, index: Int)
    /// The peer refused the handshake and said why (one of this enum's wire reasons, such as
    /// `bad_cookie`, `not_admitted` or `duplicate_name`: the peer is connected to another node
    /// of this node's name, see ``AdmissionRefusal/wireReason``).
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
        case .notAdmitted(_, let reason): reason.wireReason
        case .unknownChannel: "unknown_channel"
        case .refusedByPeer: "refused"
        case .timedOut: "timeout"
        case .connectionClosed: "closed"
        }
    }

    public var description: String {
        switch self {
        case .badCookie: "peer failed the cookie challenge"
        case .malformedMessage(let what): "malformed handshake message: \(what)"
        case .versionMismatch(let ours, let theirs): "protocol version \(theirs), expected \(ours)"
        case .ownName(let node): "peer claims this node's name \(node)"
        case .unexpectedPeer(let expected, let got): "dialled \(expected) but \(got) answered"
        case .notAdmitted(let node, let reason): "peer \(node) not admitted: \(reason)"
        case .unknownChannel(let name, let index): "unknown channel \(name) or connection index \(index)"
        case .refusedByPeer(AdmissionRefusal.duplicateName.wireReason):
            "peer refused the handshake: another node of this name is connected to it (duplicate_name)"
        case .refusedByPeer(let reason): "peer refused the handshake: \(reason)"
        case .timedOut: "handshake timed out"
        case .connectionClosed: "connection closed during the handshake"
        }
    }
}
