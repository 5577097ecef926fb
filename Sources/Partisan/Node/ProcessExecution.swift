/// Where a distributed node's processes run.
public enum ProcessExecution: Sendable {
    /// On the transport's event loops, beside the connections (the default): a message from a
    /// peer wakes its receiver on the thread that read it, and what the receiver sends back is
    /// written from there without a hand-off, as BEAM's schedulers do both process work and
    /// I/O. A process that computes for long without suspending delays the I/O of the
    /// connections that share its loop.
    case eventLoops
    /// On Swift's global concurrent executor.
    case global
    /// On the given executor (for example a ``ProcessScheduler``).
    case executor(any TaskExecutor)

    /// The executor processes prefer; `nil` for Swift's global executor.
    var executor: (any TaskExecutor)? {
        switch self {
        case .eventLoops: EventLoopProcessExecutor.shared
        case .global: nil
        case .executor(let executor): executor
        }
    }
}
