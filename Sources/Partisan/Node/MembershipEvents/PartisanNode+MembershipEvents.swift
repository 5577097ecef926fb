/// Subscribing to membership events and reading the cluster's state at once: Partisan's
/// `partisan_peer_service:on_up/2`, `on_down/2` and `members/0` as an `AsyncSequence` and a
/// snapshot.
extension PartisanNode {
    /// The default buffer limit of a ``membershipEvents(bufferLimit:)`` subscriber.
    public static let defaultMembershipEventBufferLimit = 1_024

    /// Subscribes to the node's ``MembershipEvent``s from now on: members joining and leaving
    /// the overlay, sessions coming up and going down.
    ///
    /// ```swift
    /// let events = node.membershipEvents()
    /// let start = node.membershipSnapshot()  // subscribed first: nothing is missed between
    /// for await event in events {
    ///     if case .down(let peer, let reason) = event { print("\(peer) down: \(reason)") }
    /// }
    /// ```
    ///
    /// Any number of subscribers may exist; each gets every event, in the same order. Each
    /// buffers at most `bufferLimit` unread events: beyond that the oldest are discarded and
    /// the next read returns ``MembershipEvent/overflow(dropped:)`` (the node never waits for
    /// a slow subscriber). The sequence ends when the node stops; the subscription ends when
    /// the iterating task is cancelled or the sequence is dropped. A node without networking
    /// has no events: its sequence only ends.
    public func membershipEvents(bufferLimit: Int = defaultMembershipEventBufferLimit) -> MembershipEvents {
        MembershipEvents(subscription: MembershipSubscription(buffer: events.subscribe(limit: bufferLimit)))
    }

    /// Every node this node knows of in its cluster, sorted by name, with its state: this
    /// node (``Member/State/local``), the overlay's members with a session up
    /// (``Member/State/up``) or not (``Member/State/connecting``), and the nodes the overlay
    /// knows but does not connect to (``Member/State/passive``, HyParView's passive view).
    public func membershipSnapshot() -> [Member] {
        let members = Set(self.members())
        var all = members.union(knownPeers())
        all.insert(name)
        return all.sorted().map { peer in
            let state: Member.State =
                if peer == name { .local } else if !members.contains(peer) { .passive } else if isConnected(peer) {
                    .up
                } else { .connecting }
            return Member(node: peer, state: state)
        }
    }

    /// How many membership subscriptions are live (see ``membershipEvents(bufferLimit:)``).
    package var membershipSubscriberCount: Int { events.subscriberCount }
}
