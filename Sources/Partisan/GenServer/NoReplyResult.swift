/// The result of the handlers that do not answer a caller: cast, info and continue.
public struct NoReplyResult<Continue: Sendable>: Sendable {
    @usableFromInline
    enum Kind: Sendable {
        case noreply(ServerAction<Continue>)
        case stop(ExitReason)
    }
    @usableFromInline let kind: Kind

    @usableFromInline
    init(kind: Kind) { self.kind = kind }

    /// Carry on; then `action`.
    public static func noreply(_ action: ServerAction<Continue> = .none) -> Self { Self(kind: .noreply(action)) }
    /// Stop with `reason`.
    public static func stop(_ reason: ExitReason) -> Self { Self(kind: .stop(reason)) }
}
