extension NetKernel {
    /// The load of every channel this node has, by name: its open connections to all peers
    /// (each counted once, whichever side opened it) and their send queues. A channel without
    /// connections reports zeros.
    package func channelLoads() -> [String: ChannelLoad] {
        let all = state.withLock { $0.sessions.all.values.flatMap(\.everyConnection) }
        var loads = Dictionary(uniqueKeysWithValues: spec.channels.map { ($0.name, ChannelLoad()) })
        var seen = Set<ObjectIdentifier>()
        for connection in all where seen.insert(ObjectIdentifier(connection)).inserted && connection.isOpen {
            loads[connection.info.channel.name, default: ChannelLoad()].connections += 1
            loads[connection.info.channel.name]?.queuedMessages += connection.queuedMessages
            loads[connection.info.channel.name]?.queuedBytes += connection.queuedBytes
        }
        return loads
    }
}
