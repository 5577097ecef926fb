/// Why a node name or a pid, reference or registered-name URI could not be parsed.
public enum IdentityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The string is not a node name of the form `name@host`.
    case invalidNode(String)
    /// The string is not a URI of the expected kind (`partisan:pid:...`, `partisan:ref:...`,
    /// `partisan:name:...`).
    case invalidURI(String)

    public var description: String {
        switch self {
        case .invalidNode(let s): "invalid node name \"\(s)\": expected name@host without ':'"
        case .invalidURI(let s): "invalid partisan URI \"\(s)\""
        }
    }
}
