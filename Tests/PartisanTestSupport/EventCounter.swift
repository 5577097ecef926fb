import Synchronization

/// A thread-safe counter for tests to count events from processes and callbacks.
public final class EventCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Creates a counter at zero.
    public init() {}

    /// Adds one.
    public func add() { count.wrappingAdd(1, ordering: .relaxed) }

    /// The current count.
    public var value: Int { count.load(ordering: .relaxed) }
}
