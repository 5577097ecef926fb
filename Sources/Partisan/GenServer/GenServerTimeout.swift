/// The message ``GenServer/handleInfo(_:context:)`` gets when a `.timeout` action expires.
public struct GenServerTimeout: Sendable, Hashable {
    /// Creates the timeout message.
    public init() {}
}
