import PartisanCore

/// The static overlay (Partisan's `partisan_static_peer_service_manager`): the node connects
/// to exactly the peers in its configuration, and those peers are the membership.
///
/// Nothing is gossiped: every node has its own list, so a topology is drawn by hand (a ring, a
/// line, a star). A connection from or to a node outside the list — a peer dialling in, a
/// contact given to ``join(_:)`` — is closed at once. A listed peer that goes down stays a
/// member and is reconnected.
public struct StaticMembership: PeerServiceManager {
    /// This node's spec.
    public let localSpec: NodeSpec
    /// The configured peers (without this node), in configuration order.
    public private(set) var peers: [NodeSpec]

    /// A node whose overlay is `peers` (this node is left out if listed).
    public init(localSpec: NodeSpec, peers: [NodeSpec]) {
        self.localSpec = localSpec
        var unique: [NodeSpec] = []
        for peer in peers where peer.node != localSpec.node && !unique.contains(where: { $0.node == peer.node }) {
            unique.append(peer)
        }
        self.peers = unique
    }

    /// The members (see ``PeerServiceManager/members()``).
    public func members() -> [NodeSpec] { (peers + [localSpec]).sorted { $0.node < $1.node } }

    /// Connects to the configured peers; a contact outside them is disconnected.
    public mutating func join(_ contact: NodeSpec) -> PeerServiceUpdate {
        update(disconnecting: listed(contact.node) ? [] : [contact.node])
    }

    /// Drops `node` from the list (with this node's name, every peer: the node is alone).
    public mutating func leave(_ node: Node) -> PeerServiceUpdate {
        let dropped = node == localSpec.node ? peers.map(\.node) : [node]
        peers.removeAll { dropped.contains($0.node) }
        return update(disconnecting: dropped)
    }

    /// The static overlay has no messages: anything received is ignored.
    public mutating func handle(message: Term, from peer: Node) -> PeerServiceUpdate {
        update(disconnecting: listed(peer) ? [] : [peer])
    }

    /// The periodic tick (see ``PeerServiceManager/periodic()``).
    public mutating func periodic() -> PeerServiceUpdate { update(disconnecting: []) }

    /// A peer connected (see ``PeerServiceManager/peerUp(_:)``).
    public mutating func peerUp(_ peer: Node) -> PeerServiceUpdate {
        update(disconnecting: listed(peer) ? [] : [peer])
    }

    private func listed(_ node: Node) -> Bool { peers.contains { $0.node == node } }

    private func update(disconnecting outsiders: [Node]) -> PeerServiceUpdate {
        PeerServiceUpdate(members: members(), connect: peers, disconnect: outsiders)
    }
}
