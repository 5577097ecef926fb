import PartisanCore

/// Transitive delivery (Partisan's `forward_message` with `transitive => true`): a message
/// sent with ``DeliveryOptions/transitive`` to a node this node has no session with travels
/// through the overlay, and the target's overlay driver hands it back to its kernel.
///
/// The message is encoded as the very control message a session would carry (`send`,
/// `send_name` or `send_alias`), and the overlay carries those bytes as the payload
/// `{'$partisan_transitive', ControlMessageBytes}`. On the target it goes through the same
/// checks as a message read from a connection, the origin node standing for the peer: the
/// sender must be a process of the origin node and the recipient one of this node, or the
/// message is dropped and logged (a peer cannot pass off a message as another node's).
///
/// Only sends travel this way: links, monitors and exit signals need a session, whose end
/// signals them (``link(_:to:)`` and ``monitor(_:watcher:target:)`` fail with
/// `noconnection` without one).
extension NetKernel {
    /// The atom that tags a forwarded control message among the overlay's payloads.
    static let transitiveTag = "$partisan_transitive"

    /// Routes transitive messages for nodes without a session to `forwarder` (the overlay's
    /// driver sets it): it gets the payload and the target node and returns whether the
    /// overlay took it (`false`: it does not forward, and the message is dropped). It is
    /// called on the sender's thread and must not block.
    func setOverlayForwarder(_ forwarder: (@Sendable (Term, Node) -> Bool)?) {
        state.withLock { $0.overlayForwarder = forwarder }
    }

    /// Hands the encoded control message `bytes` for `node` to the overlay; without an
    /// overlay that forwards, it is dropped (logged at debug level, as a send to an unreachable
    /// node is silent in Erlang).
    func forwardThroughOverlay(
        _ bytes: EncodedMessage, to node: Node, describing destination: some CustomStringConvertible
    ) {
        let payload = Term.tuple([.atom(Self.transitiveTag), .binary(bytes.head + bytes.tail)])
        guard let forwarder = state.withLock({ $0.overlayForwarder }), forwarder(payload, node) else {
            logger.debug("message to \(destination) dropped: no session and no overlay route")
            return
        }
    }

    /// Delivers `payload` if it is a forwarded control message (see ``forwardThroughOverlay(_:to:describing:)``)
    /// that `origin` sent: applied as if `origin` had sent it on a session, or dropped and
    /// logged when it is not a send from one of `origin`'s processes to this node. Returns
    /// `false`, doing nothing, for any other payload (it is the overlay user's).
    func deliverForwarded(_ payload: Term, from origin: Node) -> Bool {
        guard case .tuple(let elements) = payload, elements.count == 2, elements[0] == .atom(Self.transitiveTag)
        else { return false }
        guard case .binary(let bytes) = elements[1], let term = try? ETF.decode(bytes),
            let message = ControlMessage(term: term)
        else {
            logger.warning("forwarded message dropped: not a control message", metadata: ["origin": "\(origin)"])
            return true
        }
        switch message {
        case .send, .sendName, .sendAlias:
            guard message.sender.node == origin, message.recipient.map({ $0.node == runtime.node }) ?? true else {
                logger.warning(
                    "forwarded message dropped: its sender is not on its origin node, or its recipient not here",
                    metadata: ["origin": "\(origin)", "sender": "\(message.sender)"])
                return true
            }
            apply(message, from: origin)
        default:
            logger.warning(
                "forwarded message dropped: only sends travel through the overlay",
                metadata: ["origin": "\(origin)", "message": "\(message.tag)"])
        }
        return true
    }
}
