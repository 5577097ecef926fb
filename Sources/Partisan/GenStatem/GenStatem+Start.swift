/// Starting state machines: Erlang's `gen_statem:start/3,4`, `start_link`, `start_monitor`.
extension ProcessContext {
    /// Starts `machine` in a new process and waits for its `initialize`; linked to the caller
    /// (which becomes its parent) when `linkage` is `.linked`. Registers it as `name` first,
    /// if given.
    ///
    /// Throws ``GenServerStartError``: `.ignored`, `.alreadyStarted(pid)` when the name is
    /// taken, `.failed(reason)` when `initialize` stops, throws or the process dies first.
    @inlinable
    public func startGenStatem<Machine: GenStatem>(
        _ machine: Machine, name: String? = nil, linkage: StartLinkage = .unlinked, options: SpawnOptions = []
    ) async throws(GenServerStartError) -> GenStatemRef<Machine> {
        try await startMonitoredGenStatem(machine, name: name, linkage: linkage, options: options).machine
    }

    /// Like ``startGenStatem(_:name:linkage:options:)``, also returning the monitor for a
    /// `.monitored` start.
    @inlinable
    public func startMonitoredGenStatem<Machine: GenStatem>(
        _ machine: Machine, name: String? = nil, linkage: StartLinkage = .monitored, options: SpawnOptions = []
    ) async throws(GenServerStartError) -> (machine: GenStatemRef<Machine>, monitor: Ref?) {
        if let name, !RegisteredName.isValid(name) { throw .invalidName(name) }
        do {
            let started = try await startBehaviour(linkage, options: options) { process, acknowledge in
                try await GenStatemLoop.run(machine, name: name, process: process, acknowledge: acknowledge)
            }
            return (GenStatemRef(pid: started.pid, on: runtime), started.monitor)
        } catch {
            throw GenServerStartError(error)
        }
    }
}

extension ProcessRuntime {
    /// Starts `machine`, unlinked, from outside any process; see
    /// ``ProcessContext/startGenStatem(_:name:linkage:options:)``.
    @inlinable
    public func startGenStatem<Machine: GenStatem>(
        _ machine: Machine, name: String? = nil, options: SpawnOptions = []
    ) async throws(GenServerStartError) -> GenStatemRef<Machine> {
        try await startFromOutside { starter throws(GenServerStartError) in
            try await starter.startGenStatem(machine, name: name, options: options)
        }
    }
}

extension PartisanNode {
    /// Starts `machine`, unlinked; see ``ProcessContext/startGenStatem(_:name:linkage:options:)``.
    @inlinable
    public func startGenStatem<Machine: GenStatem>(
        _ machine: Machine, name: String? = nil, options: SpawnOptions = []
    ) async throws(GenServerStartError) -> GenStatemRef<Machine> {
        guard acceptsNewWork else { throw .failed(.shutdown) }
        let ref = try await runtime.startGenStatem(machine, name: name, options: options)
        recordTopLevel(ref.pid)
        return ref
    }

    /// A reference to the machine registered as `name` on this node.
    public func genStatem<Machine: GenStatem>(_ type: Machine.Type, named name: String) -> GenStatemRef<Machine> {
        GenStatemRef(name: name, on: runtime)
    }
}
