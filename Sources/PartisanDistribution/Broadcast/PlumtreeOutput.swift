import PartisanCore

/// What a ``Plumtree`` wants done after an event.
public struct PlumtreeOutput: Sendable {
    /// Messages to send, in order, each to one peer.
    public var messages: [(to: Node, message: PlumtreeMessage)] = []
    /// Messages delivered to the handler by this event (new ones only), with the hops they
    /// took: 0 at the broadcasting node and for a message an anti-entropy exchange recovered.
    public var delivered: [(id: Term, round: Int)] = []

    /// An empty output.
    package init() {}
}
