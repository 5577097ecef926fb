/// The process API of a node, forwarded to its ``PartisanNode/runtime``.
extension PartisanNode {
    /// Starts a process running `body`; see ``ProcessRuntime/spawn(_:_:)``. Once the node is
    /// shutting down (``shutdown()``), the process exits `.shutdown` before `body` runs.
    @discardableResult
    public func spawn(
        _ options: SpawnOptions = [], _ body: @escaping @Sendable (ProcessContext) async throws -> Void
    ) -> Pid {
        guard acceptsNewWork else { return runtime.spawn(options.union(.noCrashReport)) { try $0.exit(.shutdown) } }
        return runtime.spawn(options, body)
    }

    /// Runs `body` as a process and returns its result; see ``ProcessRuntime/withProcess(_:_:)``.
    @discardableResult
    public func withProcess<T: Sendable>(
        _ options: SpawnOptions = [], _ body: @escaping @Sendable (ProcessContext) async throws -> T
    ) async throws -> T {
        try await runtime.withProcess(options, body)
    }

    /// Sends `message` to `pid`; never fails.
    public func send(_ message: any Sendable, to pid: Pid) { runtime.send(message, to: pid) }

    /// Sends `message` to the local process registered as `name`.
    public func send(_ message: any Sendable, to name: String) throws(ProcessError) {
        try runtime.send(message, to: name)
    }

    /// Sends an exit signal to `pid` from the node itself.
    public func exit(_ pid: Pid, _ reason: ExitReason) { runtime.exit(pid, reason) }

    /// Registers local process `pid` as `name`; see ``ProcessRuntime/register(_:_:)``.
    public func register(_ name: String, _ pid: Pid) throws(ProcessError) { try runtime.register(name, pid) }

    /// Removes the registration of `name`.
    public func unregister(_ name: String) throws(ProcessError) { try runtime.unregister(name) }

    /// The local process registered as `name`, if any.
    public func whereis(_ name: String) -> Pid? { runtime.whereis(name) }

    /// All names registered on this node.
    public func registered() -> [String] { runtime.registered() }

    /// A new unique reference.
    public func makeRef() -> Ref { runtime.makeRef() }

    /// Whether process `pid` is alive, on whichever node it runs. For a pid of this node it
    /// answers at once (Erlang's `is_process_alive/1`); for one of another node it asks that
    /// node with the built-in ``BuiltinFunctions/isProcessAlive`` (Erlang's
    /// `erpc:call(node(Pid), erlang, is_process_alive, [Pid], Timeout)`), waiting up to
    /// `timeout`. A pid of an earlier incarnation of a node is not alive.
    ///
    /// - Throws: for a pid of another node only, as ``ERPC/call(_:on:_:timeout:)``:
    ///   ``RPCError/noconnection`` when its node is not connected (or is lost meanwhile),
    ///   ``RPCError/timeout`` when it does not answer in time.
    public func isAlive(_ pid: Pid, timeout: CallTimeout = .seconds(5)) async throws(RPCError) -> Bool {
        if pid.node == name { return runtime.isAlive(pid) }
        return try await erpc.call(BuiltinFunctions.isProcessAlive, on: pid.node, pid, timeout: timeout)
    }

    /// A snapshot of local process `pid`, or `nil` if it is not alive.
    public func details(of pid: Pid) -> ProcessDetails? { runtime.details(of: pid) }

    /// The number of live processes on this node.
    public var processCount: Int { runtime.processCount }
}
