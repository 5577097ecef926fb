/// Starting supervisors: Erlang's `supervisor:start_link/2,3` (and an unlinked start).
extension ProcessContext {
    /// Starts a supervisor with `flags` and `children` and waits until every child has
    /// started, in order. Linked to the caller (its parent) when `linkage` is `.linked`, as a
    /// supervisor under another supervisor must be; registered as `name` if given.
    ///
    /// Throws ``SupervisorStartError``: `.childFailed(id:reason:)` when a child fails to start
    /// (the children already started are stopped first, in reverse order), `.invalidChildSpec`
    /// for specs ``SupervisorRef/checkChildSpecs(_:)`` rejects, `.alreadyStarted` when the name
    /// is taken. A failed supervisor exits with `shutdownWith({failed_to_start_child, Id,
    /// Reason})`, as OTP's does.
    public func startSupervisor(
        _ flags: SupervisorFlags = SupervisorFlags(), children: [ChildSpec], name: String? = nil,
        linkage: StartLinkage = .unlinked, options: SupervisorOptions = SupervisorOptions()
    ) async throws(SupervisorStartError) -> SupervisorRef {
        do {
            try SupervisorRef.checkChildSpecs(children)
        } catch {
            throw .invalidChildSpec(error.description)
        }
        let outcome = SupervisorStartOutcome()
        let server = SupervisorServer(
            mode: .fixed(flags.strategy), intensity: flags.intensity, period: flags.period, children: children,
            options: options, outcome: outcome)
        let pid = try await startSupervisorServer(server, name: name, linkage: linkage, outcome: outcome)
        return SupervisorRef(pid: pid, on: runtime)
    }

    /// Starts a dynamic supervisor (OTP's `simple_one_for_one`, Elixir's `DynamicSupervisor`):
    /// no children at first, each ``DynamicSupervisorRef/startChild(_:)`` starts one from
    /// `template`. Restarts are one for one, within `intensity` restarts per `period`.
    public func startDynamicSupervisor<Args: Sendable>(
        _ template: DynamicChildSpec<Args>, intensity: Int = 1, period: Duration = .seconds(5), name: String? = nil,
        linkage: StartLinkage = .unlinked, options: SupervisorOptions = SupervisorOptions()
    ) async throws(SupervisorStartError) -> DynamicSupervisorRef<Args> {
        do {
            try SupervisorRef.check(id: template.id, shutdown: template.shutdown)
        } catch {
            throw .invalidChildSpec(error.description)
        }
        let outcome = SupervisorStartOutcome()
        let dynamic = SupervisorServer.Template(
            id: template.id, shutdown: template.shutdown, type: template.type
        ) { (args: any Sendable) throws(SupervisorError) -> ChildSpec in
            guard let args = args as? Args else { throw .badArguments("\(type(of: args))") }
            return template.child(args)
        }
        let server = SupervisorServer(
            mode: .dynamic(dynamic), intensity: intensity, period: period, children: [], options: options,
            outcome: outcome)
        let pid = try await startSupervisorServer(server, name: name, linkage: linkage, outcome: outcome)
        return DynamicSupervisorRef(pid: pid, on: runtime)
    }

    private func startSupervisorServer(
        _ server: SupervisorServer, name: String?, linkage: StartLinkage, outcome: SupervisorStartOutcome
    ) async throws(SupervisorStartError) -> Pid {
        do {
            return try await startGenServer(server, name: name, linkage: linkage, options: .trapExit).pid!
        } catch {
            if let detailed = outcome.error { throw detailed }
            switch error {
            case .alreadyStarted(let holder): throw .alreadyStarted(holder)
            case .invalidName(let name): throw .invalidName(name)
            case .failed(let reason): throw .failed(reason)
            case .ignored: throw .failed(.normal)
            }
        }
    }
}

extension ProcessRuntime {
    /// Starts a supervisor, unlinked, from outside any process; see
    /// ``ProcessContext/startSupervisor(_:children:name:linkage:options:)``.
    public func startSupervisor(
        _ flags: SupervisorFlags = SupervisorFlags(), children: [ChildSpec], name: String? = nil,
        options: SupervisorOptions = SupervisorOptions()
    ) async throws(SupervisorStartError) -> SupervisorRef {
        try await fromStarter { starter throws(SupervisorStartError) in
            try await starter.startSupervisor(flags, children: children, name: name, options: options)
        }
    }

    /// Starts a dynamic supervisor, unlinked, from outside any process; see
    /// ``ProcessContext/startDynamicSupervisor(_:intensity:period:name:linkage:options:)``.
    public func startDynamicSupervisor<Args: Sendable>(
        _ template: DynamicChildSpec<Args>, intensity: Int = 1, period: Duration = .seconds(5), name: String? = nil,
        options: SupervisorOptions = SupervisorOptions()
    ) async throws(SupervisorStartError) -> DynamicSupervisorRef<Args> {
        try await fromStarter { starter throws(SupervisorStartError) in
            try await starter.startDynamicSupervisor(
                template, intensity: intensity, period: period, name: name, options: options)
        }
    }

    private func fromStarter<T: Sendable>(
        _ start: @escaping @Sendable (ProcessContext) async throws(SupervisorStartError) -> T
    ) async throws(SupervisorStartError) -> T {
        do {
            return try await withProcess { try await start($0) }
        } catch let error as SupervisorStartError {
            throw error
        } catch {
            throw .failed(error.exitReason ?? .crashed(ProcessCrash(error)))
        }
    }
}

extension PartisanNode {
    /// Starts a supervisor, unlinked; see
    /// ``ProcessContext/startSupervisor(_:children:name:linkage:options:)``.
    public func startSupervisor(
        _ flags: SupervisorFlags = SupervisorFlags(), children: [ChildSpec], name: String? = nil,
        options: SupervisorOptions = SupervisorOptions()
    ) async throws(SupervisorStartError) -> SupervisorRef {
        guard acceptsNewWork else { throw .failed(.shutdown) }
        let ref = try await runtime.startSupervisor(flags, children: children, name: name, options: options)
        recordTopLevel(ref.pid)
        return ref
    }

    /// Starts a dynamic supervisor, unlinked; see
    /// ``ProcessContext/startDynamicSupervisor(_:intensity:period:name:linkage:options:)``.
    public func startDynamicSupervisor<Args: Sendable>(
        _ template: DynamicChildSpec<Args>, intensity: Int = 1, period: Duration = .seconds(5), name: String? = nil,
        options: SupervisorOptions = SupervisorOptions()
    ) async throws(SupervisorStartError) -> DynamicSupervisorRef<Args> {
        guard acceptsNewWork else { throw .failed(.shutdown) }
        let ref = try await runtime.startDynamicSupervisor(
            template, intensity: intensity, period: period, name: name, options: options)
        recordTopLevel(ref.pid)
        return ref
    }

    /// A reference to the supervisor registered as `name` on this node.
    public func supervisor(named name: String) -> SupervisorRef { SupervisorRef(name: name, on: runtime) }
}

/// Why a supervisor did not start.
public enum SupervisorStartError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Child `id` failed to start with `reason`; the children started before it were stopped.
    case childFailed(id: String, reason: ExitReason)
    /// A child spec is invalid; the text says how.
    case invalidChildSpec(String)
    /// The name is taken by another process.
    case alreadyStarted(Pid)
    /// The name is not a valid registered name.
    case invalidName(String)
    /// The supervisor process died before it finished starting, with this reason.
    case failed(ExitReason)

    /// The reason the failed supervisor exits with, also what a start function that starts it
    /// reports to its own supervisor: `{shutdown, {failed_to_start_child, Id, Reason}}` for
    /// `childFailed`, as in OTP.
    public var exitReason: ExitReason {
        switch self {
        case .childFailed(let id, let reason):
            .shutdownWith(.tuple([.atom("failed_to_start_child"), .string(id), .string(reason.description)]))
        case .invalidChildSpec(let problem): .other(.tuple([.atom("bad_start_spec"), .string(problem)]))
        case .alreadyStarted(let pid): .other(.tuple([.atom("already_started"), .pid(pid)]))
        case .invalidName(let name): .other(.tuple([.atom("invalid_name"), .string(name)]))
        case .failed(let reason): reason
        }
    }

    public var description: String {
        switch self {
        case .childFailed(let id, let reason): "child \"\(id)\" failed to start: \(reason)"
        case .invalidChildSpec(let problem): "invalid child spec: \(problem)"
        case .alreadyStarted(let pid): "a process is already registered under the name: \(pid)"
        case .invalidName(let name): "invalid supervisor name \"\(name)\""
        case .failed(let reason): "the supervisor failed to start: \(reason)"
        }
    }
}
