/// A named channel between two nodes: a class of traffic with its own TCP connections, so
/// that a large message on one channel never waits behind, or delays, another channel.
///
/// Every peer pair holds ``parallelism`` connections per channel. A message picks one of them
/// by its partition key (see ``PeerConnections``), so messages with one key keep their order
/// while messages with different keys travel in parallel.
///
/// On a ``monotonic`` channel only the newest message per key is kept while a connection's
/// send queue is backed up: a message replaces a queued, not yet written message with the same
/// key (in the older one's place) instead of queueing behind it. Use it for state that
/// supersedes itself (gossip of a whole state, load reports).
public struct ChannelSpec: Hashable, Sendable, CustomStringConvertible {
    /// The channel's name; an atom on the wire, so at most 255 characters.
    public let name: String
    /// How many TCP connections the channel uses per peer (at least 1).
    public let parallelism: Int
    /// Whether a queued message is replaced by a newer one with the same key.
    public let monotonic: Bool

    /// Creates a channel spec. `parallelism` below 1 is raised to 1.
    public init(name: String, parallelism: Int = 1, monotonic: Bool = false) {
        self.name = name
        self.parallelism = max(1, parallelism)
        self.monotonic = monotonic
    }

    /// The channel user messages travel on unless they name another: `default`, parallelism 1.
    public static let `default` = ChannelSpec(name: "default")

    /// The control channel for membership and heartbeat traffic: `membership`, parallelism 1.
    /// Kept apart from ``default`` so that large user messages never delay failure detection.
    public static let membership = ChannelSpec(name: "membership")

    /// The channels every node has unless configured otherwise: ``default`` and ``membership``.
    public static let standard: [ChannelSpec] = [.default, .membership]

    public var description: String {
        "\(name)(parallelism: \(parallelism)\(monotonic ? ", monotonic" : ""))"
    }
}
