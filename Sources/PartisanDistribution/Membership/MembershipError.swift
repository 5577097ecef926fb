import PartisanCore

/// Why a membership operation failed.
public enum MembershipError: Error, Hashable, Sendable {
    /// The contact did not list this node as a member within the join timeout.
    case joinTimedOut(Node)
    /// The service is stopped.
    case stopped
}
