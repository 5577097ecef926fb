/// Why a node operation failed.
public enum PartisanNodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The node was started without networking (``PartisanNode/start(name:creation:logger:)``).
    case notDistributed

    public var description: String {
        switch self {
        case .notDistributed: "the node was started without networking"
        }
    }
}
