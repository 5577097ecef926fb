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
public struct DeliveryOptions: Sendable, Hashable {
    /// The channel, by name; `nil` for `default`. A channel the peer connection does not
    /// have drops the message (logged), as a send never fails.
    public var channel: String?
    /// The hash of the partition key, which picks one of the channel's `parallelism`
    /// connections; `nil` uses the sender's pid.
    public var partition: Int?

    /// Options sending on `channel` (`nil`: `default`), on the connection `partitionKey`
    /// picks (`nil`: the sender's pid's). Messages with equal keys on one channel arrive in
    /// the order they were sent.
    public init(channel: String? = nil, partitionKey: (any Hashable)? = nil) {
        self.channel = channel
        self.partition = partitionKey?.hashValue
    }

    /// The defaults: the `default` channel, partitioned by the sender's pid.
    public static let standard = DeliveryOptions()

    /// Options sending on `channel`, partitioned by the sender's pid.
    public static func channel(_ name: String) -> DeliveryOptions { DeliveryOptions(channel: name) }
}
