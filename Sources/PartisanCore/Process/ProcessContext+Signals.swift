/// Sending, exit signals, links and monitors, with Erlang's rules.
extension ProcessContext {
    // MARK: Sending

    /// Sends `message` to `pid`. Like Erlang's `!`, it never fails: a message to a dead
    /// process is dropped, and messages from one sender to one receiver arrive in the order
    /// they were sent.
    public func send(_ message: any Sendable, to pid: Pid) {
        runtime.send(message, to: pid, from: self.pid)
    }

    /// Sends `message` to the process registered as `name` on this node; throws
    /// ``ProcessError/unregisteredName(_:)`` if there is none (Erlang's `badarg`).
    public func send(_ message: any Sendable, to name: String) throws(ProcessError) {
        try runtime.send(message, to: name)
    }

    /// Sends `message` to the process registered as `name.name` on `name.node`: Erlang's
    /// `{Name, Node} ! Msg`. Throws like ``send(_:to:)-(_,String)`` for a local name; a remote
    /// one is handed to the distribution layer and never throws.
    public func send(_ message: any Sendable, to name: RegisteredName) throws(ProcessError) {
        try runtime.send(message, to: name, from: pid)
    }

    /// Sends `message` to `pid` the way `options` say when `pid` is on another node (a
    /// channel, a partition key): Partisan's `forward_message/3`. See ``DeliveryOptions`` for
    /// what ordering then holds.
    public func send(_ message: any Sendable, to pid: Pid, options: DeliveryOptions) {
        runtime.send(message, to: pid, from: self.pid, options: options)
    }

    /// Sends `message` to `name.name` on `name.node` the way `options` say when the node is
    /// another one; throws like ``send(_:to:)-(_,RegisteredName)``.
    public func send(_ message: any Sendable, to name: RegisteredName, options: DeliveryOptions) throws(ProcessError) {
        try runtime.send(message, to: name, from: pid, options: options)
    }

    // MARK: Exits

    /// Whether exit signals become ``ExitMessage``s instead of ending the process (Erlang's
    /// `process_flag(trap_exit, Bool)`). An untrappable `.kill` still ends it.
    public var trapExit: Bool {
        get { state.withLock { $0.trapExit } }
        set { state.withLock { $0.trapExit = newValue } }
    }

    /// Sends an exit signal with `reason` to `target`: Erlang's `exit(Pid, Reason)`.
    ///
    /// `.kill` ends the target with `.killed`, trapping or not. `.normal` is ignored by a
    /// target that does not trap exits (unless the target is the caller, which then exits
    /// normally). Any other reason ends a target that does not trap exits, and becomes an
    /// ``ExitMessage`` for one that does.
    public func exit(_ target: Pid, _ reason: ExitReason) {
        runtime.sendExitSignal(to: target, from: pid, reason: reason, viaLink: false)
    }

    /// Ends the calling process with `reason` (Erlang's `exit(Reason)`): links and monitors
    /// are notified at once, and the error thrown unwinds the body. A reason other than
    /// `.normal`, `.shutdown` or `.shutdownWith` is logged as a crash report (see
    /// ``ProcessRuntime/crashReports``).
    public func exit(_ reason: ExitReason) throws(ProcessError) -> Never {
        terminate(reason, byItself: true)
        throw .exiting(state.withLock { $0.exitReason } ?? reason)
    }

    // MARK: Links

    /// Links the caller and `other`: when one exits, the other gets an exit signal with the
    /// reason. Linking to oneself or twice does nothing.
    ///
    /// If `other` does not exist, a process that traps exits gets `ExitMessage(other,
    /// .noproc)`; one that does not gets ``ProcessError/noproc(_:)`` thrown (Erlang's `link/1`
    /// raising `noproc`). A process on an unreachable node gives `.noconnection` the same way.
    public func link(_ other: Pid) throws(ProcessError) {
        guard other != pid else { return }
        try checkAlive()
        // Record our side first: if `other` dies right after accepting the link, its exit
        // signal finds the link here.
        state.withLock { _ = $0.links.insert(other) }
        if let failure = runtime.addLink(from: pid, to: other) {
            state.withLock { _ = $0.links.remove(other) }
            if trapExit {
                deliver(ExitMessage(from: other, reason: failure))
            } else if failure == .noproc {
                throw .noproc(other)
            } else {
                terminate(failure)
                throw .exiting(failure)
            }
        }
    }

    /// Removes the link between the caller and `other`, if any. Afterwards no exit signal
    /// from that link affects the caller (an ``ExitMessage`` already queued stays queued).
    public func unlink(_ other: Pid) {
        state.withLock { _ = $0.links.remove(other) }
        runtime.removeLink(from: pid, to: other)
    }

    /// The processes linked to this one.
    public var links: Set<Pid> { state.withLock { $0.links } }

    // MARK: Monitors

    /// Monitors `target`: when it exits, the caller receives one ``DownMessage`` with the
    /// returned reference. If it does not exist the `DOWN` comes at once with `.noproc`; if
    /// its node is unreachable, with `.noconnection`. Monitoring twice gives two monitors.
    @discardableResult
    public func monitor(_ target: Pid) -> Ref {
        let ref = runtime.makeRef()
        // Recorded before the target accepts, so a racing DOWN always finds (and clears) it.
        state.withLock { s in
            if s.exitReason == nil { s.monitoring[ref] = target }
        }
        if let failure = runtime.addMonitor(ref, watcher: pid, target: target) {
            state.withLock { _ = $0.monitoring.removeValue(forKey: ref) }
            deliver(DownMessage(ref: ref, pid: target, reason: failure))
        }
        return ref
    }

    /// Removes the monitor `ref` (Erlang's `demonitor/2`). With `flush`, also removes its
    /// ``DownMessage`` if one is already queued (like receive, flushing belongs to the
    /// process's own body). Returns whether the monitor was still active; removing an unknown
    /// or fired monitor is not an error.
    @discardableResult
    public func demonitor(_ ref: Ref, flush: Bool = false) -> Bool {
        let isDown: (any Sendable) -> Bool = { ($0 as? DownMessage)?.ref == ref }
        let target: Pid? = state.withLock { s in
            let target = s.monitoring.removeValue(forKey: ref)
            if flush {
                if let index = inbox.firstIndex(where: isDown) {
                    inbox.remove(at: index)
                    inboxCount.store(inbox.count, ordering: .relaxed)
                } else if let index = s.queue.firstIndex(where: isDown) {
                    s.queue.remove(at: index)
                }
            }
            return target
        }
        guard let target else { return false }
        runtime.removeMonitor(ref, watcher: pid, target: target)
        return true
    }

    /// The processes this one monitors, by monitor reference.
    public var monitors: [Ref: Pid] { state.withLock { $0.monitoring } }

    /// The processes monitoring this one, by monitor reference.
    public var monitoredBy: [Ref: Pid] { state.withLock { $0.monitoredBy } }

    // MARK: Signals arriving at this process

    /// Applies an exit signal from `from`, following Erlang's rules (see ``exit(_:_:)``).
    /// `viaLink` signals count only while the link exists, and remove it.
    func receiveExitSignal(from: Pid, reason: ExitReason, viaLink: Bool) {
        enum Effect {
            case none
            case die(ExitReason)
            case message
        }
        let effect: Effect = state.withLock { s in
            guard s.exitReason == nil else { return .none }
            if viaLink {
                guard s.links.remove(from) != nil else { return .none }
            } else if reason == .kill {
                return .die(.killed)
            }
            if s.trapExit { return .message }
            if reason == .normal { return !viaLink && from == pid ? .die(.normal) : .none }
            return .die(reason)
        }
        switch effect {
        case .none: break
        case .die(let reason): terminate(reason)
        case .message: deliver(ExitMessage(from: from, reason: reason))
        }
    }

    /// Accepts a link from `other`; returns `false` if this process has exited.
    func acceptLink(from other: Pid) -> Bool {
        state.withLock { s in
            guard s.exitReason == nil else { return false }
            s.links.insert(other)
            return true
        }
    }

    /// Removes the link with `other` from this side.
    func dropLink(with other: Pid) {
        state.withLock { _ = $0.links.remove(other) }
    }

    /// Accepts a monitor held by `watcher`; returns `false` if this process has exited.
    func acceptMonitor(_ ref: Ref, watcher: Pid) -> Bool {
        state.withLock { s in
            guard s.exitReason == nil else { return false }
            s.monitoredBy[ref] = watcher
            return true
        }
    }

    /// Removes a monitor another process held on this one.
    func dropMonitor(_ ref: Ref) {
        state.withLock { _ = $0.monitoredBy.removeValue(forKey: ref) }
    }

    /// Delivers the `DOWN` of a monitor this process holds, forgetting the monitor.
    func receiveDown(_ down: DownMessage) {
        let holds = state.withLock { $0.monitoring.removeValue(forKey: down.ref) != nil }
        if holds { deliver(down) }
    }
}
