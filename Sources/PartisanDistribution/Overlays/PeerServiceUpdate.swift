import PartisanCore

/// What a ``PeerServiceManager`` wants done after an event.
public struct PeerServiceUpdate: Sendable {
    /// The members after the event, sorted by name.
    public var members: [NodeSpec]
    /// Overlay messages to send, in order, each to one peer, on the `membership` channel.
    public var messages: [(to: Node, message: Term)]
    /// Peers the node should be connected to (the driver connects those that are not, with
    /// backoff, and keeps them connected).
    public var connect: [NodeSpec]
    /// Peers the node should drop: their sessions end and no reconnection is attempted.
    public var disconnect: [Node]
    /// Payloads that reached this node through the overlay (``HyParViewMembership/forward(_:to:)``,
    /// ``HyParViewMembership/broadcast(_:)``), each with the node that first sent it and the
    /// number of hops it took.
    public var delivered: [(from: Node, payload: Term, hops: Int)] = []

    /// Creates an update.
    public init(
        members: [NodeSpec], messages: [(to: Node, message: Term)] = [], connect: [NodeSpec] = [],
        disconnect: [Node] = []
    ) {
        self.members = members
        self.messages = messages
        self.connect = connect
        self.disconnect = disconnect
    }
}
