/// What a server does after a handler, besides waiting for the next message.
public enum ServerAction<Continue: Sendable>: Sendable {
    /// Wait for the next message.
    case none
    /// If no message arrives within the duration, ``GenServer/handleInfo(_:context:)`` gets
    /// ``GenServerTimeout`` (Erlang's `timeout` in a handler result).
    case timeout(Duration)
    /// Call ``GenServer/handleContinue(_:context:)`` with the value before any new message.
    case `continue`(Continue)
    /// Accepted for compatibility with `gen_server`; a waiting process is already small.
    case hibernate
}
