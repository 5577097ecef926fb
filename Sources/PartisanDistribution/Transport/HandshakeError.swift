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
    /// The layer above refused the peer (for instance, another incarnation of that name is
    /// connected: ``AdmissionRefusal/duplicateName``); `reason` is what it said. Asked only once
    /// the peer has proved the cookie.
    case notAdmitted(Node, reason: AdmissionRefusal)
    /// The dialler asked for a channel this node does not have, or a connection index outside
    /// the channel's parallelism.
    case unknownChannel(String, index: Int)
    /// With TLS: the peer's certificate does not name the node its hello claims (see
    /// ``TransportTLS``). The claimed name is not reported: it was not proved.
    case certificateMismatch
    /// Too many connections were in their handshake (on this node, or from the peer's
    /// address): a newer connection displaced this one's handshake, the oldest of the address
    /// holding the most (see ``TransportConfiguration/maxHandshakes``).
    case tooManyHandshakes
    /// The peer refused the handshake and said why (one of this enum's wire reasons, such as
    /// `bad_cookie`, `not_admitted` or `duplicate_name`: the peer is connected to another node
    /// of this node's name, see ``AdmissionRefusal/wireReason``; `unknown` for a reason this
    /// protocol does not define).
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
        AdmissionRefusal.duplicateName.wireReason,
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
        case .certificateMismatch: "the peer's certificate does not name the node its hello claims"
        case .tooManyHandshakes: "too many handshakes in progress"
        case .refusedByPeer(AdmissionRefusal.duplicateName.wireReason):
            "peer refused the handshake: another node of this name is connected to it (duplicate_name)"
        case .refusedByPeer(let reason): "peer refused the handshake: \(reason)"
        case .timedOut: "handshake timed out"
        case .connectionClosed: "connection closed during the handshake"
        }
    }
}
