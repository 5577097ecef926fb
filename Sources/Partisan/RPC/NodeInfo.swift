/// What `partisan.info` answers about a node.
public struct NodeInfo: Codable, Sendable, Hashable {
    /// The node's name.
    public var name: String
    /// How long the node has been running, in seconds.
    public var uptimeSeconds: Double
    /// How many processes run on it.
    public var processCount: Int
    /// Its channels (`name×parallelism`), empty without networking.
    public var channels: [String]
    /// Its overlay: `fullmesh`, `hyparview`, `client-server`, `static`, or `none` without
    /// networking.
    public var overlay: String
    /// The nodes it is connected to, sorted.
    public var connectedNodes: [String]
}
