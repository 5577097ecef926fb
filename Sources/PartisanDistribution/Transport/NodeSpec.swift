import PartisanCore

/// What a node tells its peers about itself in the handshake: its name, where it listens and
/// which channels it has.
public struct NodeSpec: Hashable, Sendable {
    /// The node's name.
    public var node: Node
    /// The addresses the node accepts connections on.
    public var listenAddresses: [ListenAddress]
    /// The node's channels, each with its parallelism.
    public var channels: [ChannelSpec]
    /// Whether the node is hidden (see ``NodeType``).
    public var hidden: Bool

    /// Creates a node spec.
    public init(
        node: Node, listenAddresses: [ListenAddress], channels: [ChannelSpec] = ChannelSpec.standard,
        hidden: Bool = false
    ) {
        self.node = node
        self.listenAddresses = listenAddresses
        self.channels = channels
        self.hidden = hidden
    }

    /// The channel named `name`, if the node has it.
    public func channel(named name: String) -> ChannelSpec? {
        channels.first { $0.name == name }
    }
}
