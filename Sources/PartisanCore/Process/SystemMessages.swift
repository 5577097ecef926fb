/// The message a process that traps exits receives instead of dying from an exit signal:
/// Erlang's `{'EXIT', From, Reason}`.
public struct ExitMessage: Hashable, Sendable, CustomStringConvertible {
    /// The process that sent the signal (the linked process that exited, or the caller of
    /// `exit(_:_:)`).
    public let from: Pid
    /// The reason the signal carries.
    public let reason: ExitReason

    /// Creates an exit message.
    public init(from: Pid, reason: ExitReason) {
        self.from = from
        self.reason = reason
    }

    public var description: String { "{'EXIT', \(from), \(reason)}" }
}

/// The message a monitor delivers once, when the monitored process exits (or at once when it
/// did not exist): Erlang's `{'DOWN', Ref, process, Pid, Reason}`.
public struct DownMessage: Hashable, Sendable, CustomStringConvertible {
    /// The reference `monitor(_:)` returned.
    public let ref: Ref
    /// The monitored process.
    public let pid: Pid
    /// Why it exited: `.noproc` if it did not exist, `.noconnection` if its node was
    /// unreachable.
    public let reason: ExitReason

    /// Creates a down message.
    public init(ref: Ref, pid: Pid, reason: ExitReason) {
        self.ref = ref
        self.pid = pid
        self.reason = reason
    }

    public var description: String { "{'DOWN', \(ref), process, \(pid), \(reason)}" }
}
