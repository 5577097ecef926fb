/// What a supervisor is started with besides its children.
public struct SupervisorOptions: Sendable {
    /// Called in the supervisor's process for every ``SupervisorEvent``; keep it quick (it
    /// runs between the supervisor's steps). `nil` reports nothing.
    public var observer: (@Sendable (SupervisorEvent) -> Void)?

    /// Options with an optional observer.
    public init(observer: (@Sendable (SupervisorEvent) -> Void)? = nil) {
        self.observer = observer
    }

    /// Options whose observer feeds the returned stream: a test can wait for restarts with
    /// `for await` instead of sleeping.
    public static func eventStream() -> (options: SupervisorOptions, events: AsyncStream<SupervisorEvent>) {
        let (stream, continuation) = AsyncStream.makeStream(of: SupervisorEvent.self)
        return (SupervisorOptions { continuation.yield($0) }, stream)
    }
}
