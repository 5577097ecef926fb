/// How a message to a process on another node travels: Partisan's `forward_message/3`
/// options. Delivery on the local node ignores them.
///
/// By default every message a process sends to another node goes on the `default` channel,
/// on the connection its own pid picks, so it arrives in order with all of the process's
/// other traffic (messages, links, monitors, exit signals). A message sent with another
/// ``channel`` or ``partitionKey`` keeps order only with messages sent with the same ones: it
/// may overtake, or be overtaken by, the sender's traffic on other connections. That is the
/// point of channels: a small message on a `control` channel is not held up behind a large
/// one on `default`.
///
/// A message to a node this node has no session with is dropped, as Erlang drops a send to
/// an unreachable node, unless it is ``transitive``.
public struct DeliveryOptions: Sendable, Hashable {
    /// The channel, by name; `nil` for `default`. A channel the peer connection does not
    /// have drops the message (logged), as a send never fails.
    public var channel: String?
    /// The hash of the partition key, which picks one of the channel's `parallelism`
    /// connections; `nil` uses the sender's pid.
    public var partition: Int?
    /// Whether a message to a node this node has no session with (neither connected nor
    /// connecting) travels through the overlay instead of being dropped: Partisan's
    /// `transitive => true`. With a session the message goes directly, as without the flag.
    ///
    /// Only an overlay that forwards carries it (HyParView: most members are not neighbours);
    /// with the others (full mesh, client-server, static) a node without a session is not
    /// reachable and the message is dropped. Through the overlay the message is best effort:
    /// it travels at most the overlay's hop limit, takes the `membership` channel whatever
    /// ``channel`` says, and keeps no order with the sender's other messages (two forwarded
    /// messages may take different paths). Only messages travel this way: links and monitors
    /// need a session.
    public var transitive: Bool

    /// Options sending on `channel` (`nil`: `default`), on the connection `partitionKey`
    /// picks (`nil`: the sender's pid's), through the overlay when there is no session with
    /// the target's node and `transitive` is set. Messages with equal keys on one channel
    /// arrive in the order they were sent.
    public init(channel: String? = nil, partitionKey: (any Hashable)? = nil, transitive: Bool = false) {
        self.channel = channel
        self.partition = partitionKey?.hashValue
        self.transitive = transitive
    }

    /// The defaults: the `default` channel, partitioned by the sender's pid, not transitive.
    public static let standard = DeliveryOptions()

    /// The defaults, with transitive delivery: directly when there is a session with the
    /// target's node, else through the overlay (see ``transitive``).
    public static let transitive = DeliveryOptions(transitive: true)

    /// Options sending on `channel`, partitioned by the sender's pid.
    public static func channel(_ name: String) -> DeliveryOptions { DeliveryOptions(channel: name) }
}
