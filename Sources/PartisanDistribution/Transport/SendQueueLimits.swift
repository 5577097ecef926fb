/// How much a connection may hold in its send queue, and the policy when it is full.
///
/// **Policy: fail fast.** ``Connection/send(_:key:)`` never waits. When queueing a message would
/// exceed ``maxMessages`` or ``maxBytes`` it throws ``TransportError/queueFull(messages:bytes:)``
/// and the message is not queued; the caller decides whether to drop, retry later or fail
/// its own request (a process sending to a remote pid drops, as Erlang's `noconnect`/`nosuspend`
/// sends do). An empty queue always accepts one message of up to the maximum frame size, so a
/// byte limit below that size cannot make a message unsendable.
///
/// On a monotonic channel a message whose key matches a queued one replaces it instead of
/// queueing; that is counted in ``Connection/droppedCount``, and cannot fail for lack of room
/// unless the replacement is larger than the room left.
///
/// Memory per connection is bounded by this queue plus SwiftNIO's write buffer, which the
/// connection fills only while the channel is writable (its high water mark is
/// ``writeBufferHighWaterMark``), plus at most one 256 KiB slice of a frame beyond it.
public struct SendQueueLimits: Hashable, Sendable {
    /// The most messages queued at once.
    public var maxMessages: Int
    /// The most frame bytes (length prefixes included) queued at once.
    public var maxBytes: Int
    /// The size of SwiftNIO's write buffer above which the connection stops handing it frames
    /// until the socket drains below half of it.
    public var writeBufferHighWaterMark: Int

    /// Creates limits. Defaults: 100,000 messages, 64 MiB, 1 MiB write buffer. The byte limit
    /// is the memory bound; the message limit is generous because a process that sends a
    /// long burst without suspending, on the same event loop as the connection's reader (nodes
    /// sharing an OS process), fills the queue before the socket can take anything.
    public init(maxMessages: Int = 100_000, maxBytes: Int = 64 << 20, writeBufferHighWaterMark: Int = 1 << 20) {
        self.maxMessages = max(1, maxMessages)
        self.maxBytes = max(1, maxBytes)
        self.writeBufferHighWaterMark = max(2, writeBufferHighWaterMark)
    }
}
