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
        do {
            return try await withProcess { starter in
                try await starter.startGenStatem(machine, name: name, options: options)
            }
        } catch let error as GenServerStartError {
            throw error
        } catch {
            throw .failed((error as? ProcessError)?.exitReason ?? .crashed(ProcessCrash(error)))
        }
    }
}

extension PartisanNode {
    /// Starts `machine`, unlinked; see ``ProcessContext/startGenStatem(_:name:linkage:options:)``.
    @inlinable
    public func startGenStatem<Machine: GenStatem>(
        _ machine: Machine, name: String? = nil, options: SpawnOptions = []
    ) async throws(GenServerStartError) -> GenStatemRef<Machine> {
        try await runtime.startGenStatem(machine, name: name, options: options)
    }

    /// A reference to the machine registered as `name` on this node.
    public func genStatem<Machine: GenStatem>(_ type: Machine.Type, named name: String) -> GenStatemRef<Machine> {
        GenStatemRef(name: name, on: runtime)
    }
}

extension GenServerStartError {
    /// The start error a behaviour's failed start handshake maps to.
    @usableFromInline
    init(_ failure: BehaviourStartFailure) {
        if let callerError = failure.callerExiting, case .exiting(let reason) = callerError {
            self = .failed(reason)
            return
        }
        switch failure.ack {
        case .started, .failed: self = .failed(failure.ack.failureReason ?? .noproc)
        case .ignored: self = .ignored
        case .alreadyStarted(let holder): self = .alreadyStarted(holder)
        }
    }
}
