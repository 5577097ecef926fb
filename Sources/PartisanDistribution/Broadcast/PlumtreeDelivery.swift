import PartisanCore

/// A message a ``PlumtreeService`` delivered to its handler (a new one: duplicates and stale
/// messages are not reported).
public struct PlumtreeDelivery: Sendable, Hashable {
    /// The message's id.
    public var id: Term
    /// Its payload.
    public var payload: Term
    /// The hops it took: 0 at the node that broadcast it and for a message an anti-entropy
    /// exchange recovered.
    public var round: Int
    /// The neighbour it came from; `nil` at the node that broadcast it.
    public var from: Node?

    /// Creates a delivery.
    public init(id: Term, payload: Term, round: Int, from: Node?) {
        self.id = id
        self.payload = payload
        self.round = round
        self.from = from
    }
}
