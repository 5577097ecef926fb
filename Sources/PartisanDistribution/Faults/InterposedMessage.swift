import PartisanCore

/// A message on its way to or from a peer, as an interposition function sees it (Partisan's
/// interposition funs get `{forward_message, Node, Message}` or `{receive_message, Node,
/// Message}`).
///
/// `term` is the whole frame's term: a control message such as `{send, From, To, Payload}`
/// for process traffic, or an overlay's message on the `membership` channel. Rewriting it is
/// sound at this level: the frame is encoded again from the new term, and the receiving node
/// checks it as it checks anything a peer sends (a frame it cannot read closes the connection,
/// a message that names a sender of another node is refused), so a rewrite can test a peer's
/// defences but never corrupt the framing.
public struct InterposedMessage: Sendable {
    /// Which way the message goes.
    public enum Direction: Sendable, Hashable {
        /// Leaving this node, before it is queued on the connection.
        case send
        /// Arrived from the peer, before the node reads it.
        case receive
    }

    /// Which way the message goes.
    public let direction: Direction
    /// The peer it goes to or comes from.
    public let peer: Node
    /// The channel it travels on (`default`, `membership`, or one of the node's own).
    public let channel: String
    /// The message: what an earlier function rewrote it to, or the frame's term.
    public let term: Term

    /// A message going `direction` with `peer` on `channel`: what a node hands its functions,
    /// and what a test of a function can hand it.
    public init(direction: Direction, peer: Node, channel: String, term: Term) {
        self.direction = direction
        self.peer = peer
        self.channel = channel
        self.term = term
    }

    /// Whether `term` holds `part` anywhere inside it (a handy test for the process message a
    /// control message carries: a `String` travels as a binary of its UTF-8 bytes).
    public func contains(_ part: Term) -> Bool { term.containsTerm(part) }
}

extension Term {
    /// Whether `part` is this term or occurs inside it.
    func containsTerm(_ part: Term) -> Bool {
        var stack = [self]
        while let next = stack.popLast() {
            if next == part { return true }
            switch next {
            case .list(let elements), .tuple(let elements): stack.append(contentsOf: elements)
            case .improperList(let elements, let tail):
                stack.append(contentsOf: elements)
                stack.append(tail)
            case .map(let pairs):
                for (key, value) in pairs {
                    stack.append(key)
                    stack.append(value)
                }
            default: break
            }
        }
        return false
    }
}
