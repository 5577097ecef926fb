import NIOCore
import PartisanCore

/// The connections to one peer: for each channel, `parallelism` connections in index order.
///
/// A message picks its connection by a partition key: the same key always picks the same
/// connection, so messages with one key (by default, the sending pid) arrive in the order they
/// were sent, while messages with different keys spread over the channel's connections.
package struct PeerConnections: Sendable {
    /// The peer node.
    package let peer: Node
    /// The peer's incarnation (its creation, from the handshake).
    package let creation: UInt32
    /// Each channel's connections, ordered by index.
    package let connections: [String: [Connection]]
    /// The `default` channel's connections (most traffic's), found without hashing its name.
    private let defaultConnections: [Connection]

    /// Groups `connections` (all to one peer) by channel and orders them by index.
    ///
    /// - Precondition: `connections` is not empty and all go to the same peer.
    package init(connections: [Connection]) {
        precondition(!connections.isEmpty, "PeerConnections needs at least one connection")
        let peer = connections[0].info.peer
        self.peer = peer
        self.creation = connections[0].info.peerCreation
        precondition(connections.allSatisfy { $0.info.peer == peer }, "connections to different peers")
        self.connections = Dictionary(grouping: connections, by: \.info.channel.name)
            .mapValues { $0.sorted { $0.info.index < $1.info.index } }
        self.defaultConnections = self.connections[ChannelSpec.default.name] ?? []
    }

    /// The connection of `channel` that messages with partition key `key` use.
    package func connection(on channel: String, key: some Hashable) -> Connection? {
        connection(on: channel, partition: key.hashValue)
    }

    /// The connection of `channel` that messages whose partition key hashes to `partition`
    /// use.
    func connection(on channel: String, partition: Int) -> Connection? {
        let all = channel == ChannelSpec.default.name ? defaultConnections : connections[channel] ?? []
        guard !all.isEmpty else { return nil }
        return all[Self.index(ofPartition: partition, count: all.count)]
    }

    /// Sends `term` on `channel`, on the connection `key` picks (and, on a monotonic channel,
    /// replacing a queued message with the same key). Errors are those of
    /// ``Connection/send(_:key:)``, plus ``TransportError/unknownChannel(_:)``.
    package func send(
        _ term: Term, on channel: String = ChannelSpec.default.name, key: some Hashable & Sendable
    ) throws(TransportError) {
        guard let connection = connection(on: channel, key: key) else { throw .unknownChannel(channel) }
        try connection.send(term, key: key)
    }

    /// Whether every connection is still open.
    package var isOpen: Bool { connections.values.allSatisfy { $0.allSatisfy(\.isOpen) } }

    /// Closes every connection.
    package func close() async {
        for connection in connections.values.joined() { await connection.close() }
    }

    /// The index in `0..<count` that `key` maps to; stable within one OS process.
    static func partition(of key: some Hashable, count: Int) -> Int {
        index(ofPartition: key.hashValue, count: count)
    }

    /// The index in `0..<count` that a partition key's hash maps to.
    static func index(ofPartition hash: Int, count: Int) -> Int {
        Int(UInt(bitPattern: hash) % UInt(count))
    }
}
