import NIOCore
import PartisanCore

/// What the handshake established about one connection.
public struct ConnectionInfo: Sendable, CustomStringConvertible {
    /// Which side opened the connection.
    public enum Direction: Sendable, Hashable {
        /// This node dialled the peer.
        case outbound
        /// The peer dialled this node.
        case inbound
    }

    /// This node.
    public let localNode: Node
    /// The peer node.
    public let peer: Node
    /// The peer's creation (changes each time a node of that name starts).
    public let peerCreation: UInt32
    /// The peer's listen addresses and channels, as it announced them.
    public let peerSpec: NodeSpec
    /// This node's spec of the channel the connection carries.
    public let channel: ChannelSpec
    /// The connection's index within the channel, `0..<parallelism` of the dialling node.
    public let index: Int
    /// Which side opened the connection.
    public let direction: Direction
    /// The peer's socket address, when known.
    public let remoteAddress: SocketAddress?
    /// The set of connections it belongs to (see ``ConnectionSet``).
    package let set: ConnectionSet
    /// The lane this node's end runs on (its event loop among the endpoint's).
    package let lane: ConnectionLane
    /// The lane the peer's end runs on, as its hello announced it (`nil` from a peer that does
    /// not announce lanes).
    package let peerLane: ConnectionLane?

    public var description: String {
        let route = direction == .outbound ? "\(localNode) -> \(peer)" : "\(peer) -> \(localNode)"
        return set == .unnumbered ? "\(route) \(channel.name)#\(index)" : "\(route) \(channel.name)#\(index) (\(set))"
    }
}
