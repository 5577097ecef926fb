import PartisanCore

/// Which connection to a peer a control message takes: a channel, and the hash of its
/// partition key (by default the sending process's pid; see ``PeerConnections``).
struct Route {
    let channel: String
    let partition: Int

    init(channel: String, partition: Int) {
        self.channel = channel
        self.partition = partition
    }

    /// The route `options` pick for traffic from `sender`: by default the `default` channel,
    /// partitioned by `sender` (the route of all of a process's other traffic).
    init(_ options: DeliveryOptions, sender: Pid) {
        self.init(
            channel: options.channel ?? ChannelSpec.default.name,
            partition: options.partition ?? Self.partition(of: sender))
    }

    /// A local process's partition: its counter, which spreads consecutive processes over a
    /// channel's connections (and costs less than hashing the pid with its node's name).
    static func partition(of pid: Pid) -> Int {
        Int(truncatingIfNeeded: UInt64(pid.serial) << 32 | UInt64(pid.id))
    }
}
