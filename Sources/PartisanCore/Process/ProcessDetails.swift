/// A snapshot of a live process: Erlang's `process_info/1`.
public struct ProcessDetails: Sendable, Hashable {
    /// The process.
    public let pid: Pid
    /// The name it is registered under, if any.
    public let registeredName: String?
    /// The number of messages waiting in its mailbox.
    public let mailboxCount: Int
    /// The processes linked to it.
    public let links: Set<Pid>
    /// The processes it monitors, by monitor reference.
    public let monitors: [Ref: Pid]
    /// The processes monitoring it, by monitor reference.
    public let monitoredBy: [Ref: Pid]
    /// Whether it traps exits.
    public let trapExit: Bool
}

extension ProcessContext {
    /// A snapshot of this process, or `nil` if it has exited.
    public var details: ProcessDetails? {
        state.withLock { s in
            guard s.exitReason == nil else { return nil }
            return ProcessDetails(
                pid: pid, registeredName: s.registeredName,
                mailboxCount: s.queue.count + inboxCount.load(ordering: .relaxed), links: s.links,
                monitors: s.monitoring, monitoredBy: s.monitoredBy, trapExit: s.trapExit)
        }
    }
}
