/// Why a machine crashed because of what a callback returned (OTP's `bad_action_from_state_function`
/// family).
public enum GenStatemCallbackError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An action that is not allowed where it was returned, e.g. `.postpone` from a state
    /// enter call or from `initialize`.
    case actionNotAllowed(action: String, in: String)

    public var description: String {
        switch self {
        case .actionNotAllowed(let action, let place): "the action \(action) is not allowed in \(place)"
        }
    }
}
