import Partisan

/// A node a ``DiscoveryStrategy`` found: where it listens and, when the strategy knows it, its
/// name.
///
/// The runner joins by ``address``; the handshake tells the real name. A known ``node`` only
/// lets the runner skip a contact that is already a member without dialling it.
public struct DiscoveredContact: Hashable, Sendable, CustomStringConvertible {
    /// Where the node accepts connections.
    public var address: ListenAddress
    /// The node's name, when the strategy can tell it (for example `basename@address`).
    public var node: Node?

    /// Creates a contact at `address`, named `node` when known.
    public init(address: ListenAddress, node: Node? = nil) {
        self.address = address
        self.node = node
    }

    public var description: String {
        if let node { return "\(node) at \(address)" }
        return address.description
    }
}
