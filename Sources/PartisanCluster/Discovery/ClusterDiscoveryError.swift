import Partisan

/// What ``ClusterDiscovery`` and the built-in strategies throw.
public enum ClusterDiscoveryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// ``ClusterDiscovery/awaitJoined(minimum:timeout:)`` gave up: after `after`, the node saw
    /// `members` members (itself included) where `minimum` were wanted.
    case joinTimedOut(minimum: Int, members: Int, after: Duration)
    /// The runner was stopped while ``ClusterDiscovery/awaitJoined(minimum:timeout:)`` waited.
    case stopped
    /// The node has no networking, so there is nothing to discover for.
    case notDistributed
    /// A contact address (`option` names where it came from) is not `HOST:PORT`, `[IPv6]:PORT`
    /// or, where a default port applies, `HOST`.
    case invalidAddress(String, option: String)
    /// A setting (`option`) has an invalid value; `reason` says why.
    case invalidSetting(option: String, reason: String)
    /// A strategy took longer than the configured discovery timeout.
    case discoveryTimedOut(strategy: String, after: Duration)
    /// The hosts file at `path` could not be read: `reason`.
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .joinTimedOut(let minimum, let members, let after):
            return "the cluster did not reach \(minimum) members within \(after): \(members) seen"
        case .stopped: return "cluster discovery was stopped"
        case .notDistributed: return "the node was started without networking"
        case .invalidAddress(let value, let option):
            return "\(option): '\(value.prefix(200))' is not HOST:PORT (or [IPv6]:PORT)"
        case .invalidSetting(let option, let reason): return "\(option): \(reason)"
        case .discoveryTimedOut(let strategy, let after): return "discovery '\(strategy)' took longer than \(after)"
        case .unreadableFile(let path, let reason): return "cannot read hosts file \(path): \(reason)"
        }
    }
}
