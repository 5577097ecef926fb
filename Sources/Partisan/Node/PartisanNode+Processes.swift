/// The process API of a node, forwarded to its ``PartisanNode/runtime``.
extension PartisanNode {
    /// Starts a process running `body`; see ``ProcessRuntime/spawn(_:_:)``.
    @discardableResult
    public func spawn(
        _ options: SpawnOptions = [], _ body: @escaping @Sendable (ProcessContext) async throws -> Void
    ) -> Pid {
        runtime.spawn(options, body)
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

    /// Whether local process `pid` is alive.
    public func isAlive(_ pid: Pid) -> Bool { runtime.isAlive(pid) }

    /// A snapshot of local process `pid`, or `nil` if it is not alive.
    public func details(of pid: Pid) -> ProcessDetails? { runtime.details(of: pid) }

    /// The number of live processes on this node.
    public var processCount: Int { runtime.processCount }
}
