/// Why a node operation failed.
public enum PartisanNodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The node was started without networking (``PartisanNode/start(name:)``).
    case notDistributed
    /// A broadcast of this name already runs on the node (``PartisanNode/startPlumtreeBroadcast(_:handler:configuration:)``).
    case broadcastAlreadyStarted(String)

    public var description: String {
        switch self {
        case .notDistributed: "the node was started without networking"
        case .broadcastAlreadyStarted(let name): "a broadcast named \(name) already runs on the node"
        }
    }
}
