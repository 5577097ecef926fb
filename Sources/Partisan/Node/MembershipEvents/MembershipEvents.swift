/// The membership events of one subscriber (see ``PartisanNode/membershipEvents(bufferLimit:)``):
/// an `AsyncSequence` of ``MembershipEvent``s that ends when the node stops.
///
/// The subscription starts when the sequence is made, so events that happen before the first
/// iteration are kept (up to the buffer limit). Iterate it once: it has a single consumer.
/// The subscription ends — and the node forgets it — when the iterating task is cancelled, or
/// when the sequence and its iterator are dropped (a `for await` loop left with `break`).
public struct MembershipEvents: AsyncSequence, Sendable {
    public typealias Element = MembershipEvent
    public typealias Failure = Never

    let subscription: MembershipSubscription

    /// Makes the iterator.
    public func makeAsyncIterator() -> Iterator { Iterator(subscription: subscription) }

    /// The iterator of a ``MembershipEvents`` sequence.
    public struct Iterator: AsyncIteratorProtocol {
        let subscription: MembershipSubscription

        /// The next event; `nil` once the node has stopped and every buffered event was
        /// read, or at once when the task is cancelled.
        public mutating func next() async -> MembershipEvent? { await subscription.buffer.next() }

        /// The next event; see ``next()``.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> MembershipEvent? {
            await subscription.buffer.next()
        }
    }
}

/// Ends its subscriber's subscription when the last sequence or iterator holding it goes away.
final class MembershipSubscription: Sendable {
    let buffer: MembershipSubscriber

    init(buffer: MembershipSubscriber) { self.buffer = buffer }

    deinit { buffer.cancel() }
}
