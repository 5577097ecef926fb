/// The result of ``GenServer/initialize(context:)``.
public struct InitResult<Continue: Sendable>: Sendable {
    @usableFromInline
    enum Kind: Sendable {
        case ok(ServerAction<Continue>)
        case ignore
        case stop(ExitReason)
    }
    @usableFromInline let kind: Kind

    @usableFromInline
    init(kind: Kind) { self.kind = kind }

    /// The server is ready; then `action`.
    public static func ok(_ action: ServerAction<Continue> = .none) -> Self { Self(kind: .ok(action)) }
    /// Don't run: `start` returns ``GenServerStartError/ignored`` and the process exits `normal`.
    public static var ignore: Self { Self(kind: .ignore) }
    /// Don't run: `start` fails with ``GenServerStartError/failed(_:)`` and the process exits with
    /// `reason`.
    public static func stop(_ reason: ExitReason) -> Self { Self(kind: .stop(reason)) }
}
