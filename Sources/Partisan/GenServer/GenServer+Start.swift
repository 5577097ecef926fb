/// Starting servers: Erlang's `gen_server:start/3,4`, `start_link`, `start_monitor`.
extension ProcessContext {
    /// Starts `server` in a new process and waits for its `initialize`; linked to the caller
    /// (which becomes its parent) when `linkage` is `.linked`. Registers it as `name` first,
    /// if given.
    ///
    /// Throws ``GenServerStartError``: `.ignored`, `.alreadyStarted(pid)` when the name is
    /// taken, `.failed(reason)` when `initialize` stops, throws or the process dies first.
    @inlinable
    public func startGenServer<Server: GenServer>(
        _ server: Server, name: String? = nil, linkage: StartLinkage = .unlinked, options: SpawnOptions = []
    ) async throws(GenServerStartError) -> GenServerRef<Server> {
        try await startMonitoredGenServer(server, name: name, linkage: linkage, options: options).server
    }

    /// Like ``startGenServer(_:name:linkage:options:)``, also returning the monitor for a
    /// `.monitored` start.
    @inlinable
    public func startMonitoredGenServer<Server: GenServer>(
        _ server: Server, name: String? = nil, linkage: StartLinkage = .monitored, options: SpawnOptions = []
    ) async throws(GenServerStartError) -> (server: GenServerRef<Server>, monitor: Ref?) {
        if let name, !RegisteredName.isValid(name) { throw .invalidName(name) }
        do {
            let started = try await startBehaviour(linkage, options: options) { process, acknowledge in
                try await GenServerLoop.run(server, name: name, process: process, acknowledge: acknowledge)
            }
            return (GenServerRef(pid: started.pid, on: runtime), started.monitor)
        } catch {
            throw GenServerStartError(error)
        }
    }
}

extension ProcessRuntime {
    /// Starts `server`, unlinked, from outside any process; see
    /// ``ProcessContext/startGenServer(_:name:linkage:options:)``.
    @inlinable
    public func startGenServer<Server: GenServer>(
        _ server: Server, name: String? = nil, options: SpawnOptions = []
    ) async throws(GenServerStartError) -> GenServerRef<Server> {
        try await startFromOutside { starter throws(GenServerStartError) in
            try await starter.startGenServer(server, name: name, options: options)
        }
    }
}

extension PartisanNode {
    /// Starts `server`, unlinked; see ``ProcessContext/startGenServer(_:name:linkage:options:)``.
    @inlinable
    public func startGenServer<Server: GenServer>(
        _ server: Server, name: String? = nil, options: SpawnOptions = []
    ) async throws(GenServerStartError) -> GenServerRef<Server> {
        guard acceptsNewWork else { throw .failed(.shutdown) }
        let ref = try await runtime.startGenServer(server, name: name, options: options)
        recordTopLevel(ref.pid)
        return ref
    }

    /// A reference to the server registered as `name` on this node.
    public func genServer<Server: GenServer>(_ type: Server.Type, named name: String) -> GenServerRef<Server> {
        GenServerRef(name: name, on: runtime)
    }
}
