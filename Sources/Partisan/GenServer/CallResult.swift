/// The result of ``GenServer/handleCall(_:from:context:)``.
public struct CallResult<Reply: Sendable, Continue: Sendable>: Sendable {
    @usableFromInline
    enum Kind: Sendable {
        case reply(Reply, ServerAction<Continue>)
        case noreply(ServerAction<Continue>)
        case stop(ExitReason, reply: Reply?)
    }
    @usableFromInline let kind: Kind

    @usableFromInline
    init(kind: Kind) { self.kind = kind }

    /// Answer the caller with `value`; then `action`.
    public static func reply(_ value: Reply, _ action: ServerAction<Continue> = .none) -> Self {
        Self(kind: .reply(value, action))
    }
    /// Don't answer now: reply later with ``CallerRef/reply(_:)``; then `action`.
    public static func noreply(_ action: ServerAction<Continue> = .none) -> Self { Self(kind: .noreply(action)) }
    /// Stop with `reason`, answering the caller first if `reply` is given.
    public static func stop(_ reason: ExitReason, reply: Reply? = nil) -> Self {
        Self(kind: .stop(reason, reply: reply))
    }
}
