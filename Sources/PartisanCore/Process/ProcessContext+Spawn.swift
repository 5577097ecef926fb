/// Starting processes from a process: `spawn`, `spawn_link`, `spawn_monitor`.
extension ProcessContext {
    /// Starts a process running `body`; see ``ProcessRuntime/spawn(_:_:)``.
    @discardableResult
    public func spawn(
        _ options: SpawnOptions = [], _ body: @escaping @Sendable (ProcessContext) async throws -> Void
    ) -> Pid {
        runtime.spawn(options, body)
    }

    /// Starts a process linked to the caller, atomically: the link exists before the child
    /// runs, so even a child that crashes at once sends its exit signal (Erlang's
    /// `spawn_link`). Throws ``ProcessError/exiting(_:)`` if the caller is exiting.
    @discardableResult
    public func spawnLink(
        _ options: SpawnOptions = [], _ body: @escaping @Sendable (ProcessContext) async throws -> Void
    ) throws(ProcessError) -> Pid {
        try checkAlive()
        // Our side first, so a child that dies at once finds the link when it signals us.
        return runtime.start(
            options,
            prepare: { child in
                state.withLock { _ = $0.links.insert(child.pid) }
                child.state.withLock { _ = $0.links.insert(pid) }
            }, body
        ).pid
    }

    /// Starts a process and monitors it, atomically (Erlang's `spawn_monitor`): the `DOWN`
    /// carries the child's real exit reason even if it exits at once.
    public func spawnMonitor(
        _ options: SpawnOptions = [], _ body: @escaping @Sendable (ProcessContext) async throws -> Void
    ) -> (pid: Pid, ref: Ref) {
        let ref = runtime.makeRef()
        let child = runtime.start(
            options,
            prepare: { child in
                state.withLock { $0.monitoring[ref] = child.pid }
                child.state.withLock { $0.monitoredBy[ref] = pid }
            }, body)
        return (child.pid, ref)
    }
}
