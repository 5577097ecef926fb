import PartisanCore

/// Which connection to a peer a control message takes: a channel, and the hash of its
/// partition key (by default the sending process's pid; see ``PeerConnections``); and, for a
/// message sent on a named channel, the key under which a monotonic channel replaces it.
struct Route {
    let channel: String
    let partition: Int
    /// On a monotonic channel, a queued message with this key is replaced by this one; `nil`
    /// for signals and for messages on the `default` channel.
    var monotonicKey: MonotonicKey?

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

/// What a message sent on a named channel replaces on a monotonic channel: a queued message
/// from the same partition (the sender's pid, or the partition key it gave) to the same
/// recipient.
struct MonotonicKey: Hashable, Sendable {
    let partition: Int
    let pid: Pid?
    let name: RegisteredName?
    let alias: Alias?

    init(partition: Int, destination: RemoteSignal.Destination) {
        self.partition = partition
        switch destination {
        case .pid(let pid): (self.pid, self.name, self.alias) = (pid, nil, nil)
        case .name(let name): (self.pid, self.name, self.alias) = (nil, name, nil)
        case .alias(let alias): (self.pid, self.name, self.alias) = (nil, nil, alias)
        }
    }
}
