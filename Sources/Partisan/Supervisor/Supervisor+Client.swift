/// A handle on a supervisor, by pid or registered name: the client side of Erlang's
/// `supervisor` module for supervisors with a fixed strategy.
///
/// Every operation is a call to the supervisor process and waits (`infinity` by default, as
/// in OTP: a supervisor may be busy stopping a slow child). Calls made inside a process use
/// its mailbox; outside a process they run in a short-lived one. A child must not call its
/// own supervisor from its start function (the supervisor is waiting for that function).
public struct SupervisorRef: Sendable, Hashable, CustomStringConvertible {
    let server: GenServerRef<SupervisorServer>

    /// A reference to the supervisor `pid`.
    public init(pid: Pid, on runtime: ProcessRuntime) {
        server = GenServerRef(pid: pid, on: runtime)
    }

    /// A reference to whichever supervisor is registered as `name` at each use.
    public init(name: String, on runtime: ProcessRuntime) {
        server = GenServerRef(name: name, on: runtime)
    }

    /// The supervisor's current pid, if it is running.
    public var pid: Pid? { server.pid }

    public var description: String { "SupervisorRef(\(server.pid.map { "\($0)" } ?? "not running"))" }

    /// Adds `spec` at the end of the children and starts it (`supervisor:start_child/2`);
    /// returns its pid, `nil` if it chose to be ignored (its spec is kept, unless it is
    /// temporary).
    ///
    /// Throws ``SupervisorError/alreadyStarted(id:pid:)`` or
    /// ``SupervisorError/alreadyPresent(id:)`` if a child has the id, and
    /// ``SupervisorError/startFailed(id:reason:)`` if the start fails (the spec is not kept).
    @discardableResult
    public func startChild(_ spec: ChildSpec, timeout: CallTimeout = .infinity) async throws(SupervisorError)
        -> Pid?
    {
        try await request(.startChild(spec), timeout: timeout).startedPid()
    }

    /// Stops the child `id` as its ``Shutdown`` says (`supervisor:terminate_child/2`). Its spec
    /// is kept (for ``restartChild(_:timeout:)``), unless it is temporary. Stopping a child that
    /// is not running does nothing; an unknown id throws ``SupervisorError/notFound``.
    public func terminateChild(_ id: String, timeout: CallTimeout = .infinity) async throws(SupervisorError) {
        try await request(.terminateChild(id), timeout: timeout).done()
    }

    /// Starts again the stopped child `id` (`supervisor:restart_child/2`); returns its pid, or
    /// `nil` if ignored. Throws ``SupervisorError/running(id:)`` if it runs,
    /// ``SupervisorError/restarting(id:)`` while a failed restart is being retried.
    @discardableResult
    public func restartChild(_ id: String, timeout: CallTimeout = .infinity) async throws(SupervisorError) -> Pid? {
        try await request(.restartChild(id), timeout: timeout).startedPid()
    }

    /// Removes the spec of the stopped child `id` (`supervisor:delete_child/2`). Throws
    /// ``SupervisorError/running(id:)`` if it runs.
    public func deleteChild(_ id: String, timeout: CallTimeout = .infinity) async throws(SupervisorError) {
        try await request(.deleteChild(id), timeout: timeout).done()
    }

    /// The spec of child `id` (`supervisor:get_childspec/2`).
    public func childSpec(_ id: String, timeout: CallTimeout = .infinity) async throws(SupervisorError) -> ChildSpec {
        guard case .spec(let spec) = try await request(.childSpec(id), timeout: timeout) else { throw .notFound }
        return spec
    }

    /// Every child in start order, with its status (`supervisor:which_children/1`).
    public func whichChildren(timeout: CallTimeout = .infinity) async throws(SupervisorError) -> [ChildInfo] {
        try await request(.whichChildren, timeout: timeout).children()
    }

    /// How many children, running, supervisors and workers (`supervisor:count_children/1`).
    public func countChildren(timeout: CallTimeout = .infinity) async throws(SupervisorError) -> ChildCounts {
        try await request(.countChildren, timeout: timeout).counts()
    }

    /// Stops the supervisor: its children stop in reverse start order, then it exits with
    /// `reason`. Waits up to `timeout` (see ``GenServerRef/stop(_:timeout:)``).
    public func stop(_ reason: ExitReason = .normal, timeout: CallTimeout = .infinity) async throws(SupervisorError) {
        do {
            try await server.stop(reason, timeout: timeout)
        } catch {
            throw .call(error)
        }
    }

    /// Checks specs before use (`supervisor:check_childspecs/1`): ids non-empty and unique,
    /// timeouts not negative. Throws ``SupervisorError/invalidChildSpec(_:)`` naming the problem.
    public static func checkChildSpecs(_ specs: [ChildSpec]) throws(SupervisorError) {
        var seen: Set<String> = []
        for spec in specs {
            try check(id: spec.id, shutdown: spec.shutdown)
            guard seen.insert(spec.id).inserted else { throw .invalidChildSpec("duplicate child id \"\(spec.id)\"") }
        }
    }

    static func check(id: String, shutdown: Shutdown) throws(SupervisorError) {
        if id.isEmpty { throw .invalidChildSpec("empty child id") }
        if case .timeout(let duration) = shutdown, duration < .zero {
            throw .invalidChildSpec("negative shutdown timeout for \"\(id)\"")
        }
    }

    func request(_ request: SupervisorRequest, timeout: CallTimeout) async throws(SupervisorError) -> SupervisorReply {
        let reply: SupervisorReply
        do {
            reply = try await server.call(request, timeout: timeout)
        } catch {
            throw .call(error)
        }
        if case .failed(let error) = reply { throw error }
        return reply
    }
}

/// A handle on a dynamic supervisor whose children are started with `Args` (OTP's
/// `simple_one_for_one`, Elixir's `DynamicSupervisor`).
public struct DynamicSupervisorRef<Args: Sendable>: Sendable, Hashable, CustomStringConvertible {
    let base: SupervisorRef

    /// A reference to the dynamic supervisor `pid`.
    public init(pid: Pid, on runtime: ProcessRuntime) { base = SupervisorRef(pid: pid, on: runtime) }

    /// A reference to whichever dynamic supervisor is registered as `name` at each use.
    public init(name: String, on runtime: ProcessRuntime) { base = SupervisorRef(name: name, on: runtime) }

    /// The supervisor's current pid, if it is running.
    public var pid: Pid? { base.pid }

    public var description: String { "Dynamic\(base)" }

    /// Starts one more child from the template with `args` (`supervisor:start_child/2` with
    /// extra arguments); returns its pid, or `nil` if it chose to be ignored. Throws
    /// ``SupervisorError/startFailed(id:reason:)`` if it fails to start.
    @discardableResult
    public func startChild(_ args: Args, timeout: CallTimeout = .infinity) async throws(SupervisorError) -> Pid? {
        try await base.request(.startDynamicChild(args), timeout: timeout).startedPid()
    }

    /// Stops child `pid` and forgets it (`supervisor:terminate_child/2` with a pid). Throws
    /// ``SupervisorError/notFound`` if it is not a child.
    public func terminateChild(_ pid: Pid, timeout: CallTimeout = .infinity) async throws(SupervisorError) {
        try await base.request(.terminateDynamicChild(pid), timeout: timeout).done()
    }

    /// The running children, in no particular order.
    public func whichChildren(timeout: CallTimeout = .infinity) async throws(SupervisorError) -> [ChildInfo] {
        try await base.whichChildren(timeout: timeout)
    }

    /// How many children are running, and of which type.
    public func countChildren(timeout: CallTimeout = .infinity) async throws(SupervisorError) -> ChildCounts {
        try await base.countChildren(timeout: timeout)
    }

    /// Stops the supervisor: all children stop (at once, in no defined order), then it exits.
    public func stop(_ reason: ExitReason = .normal, timeout: CallTimeout = .infinity) async throws(SupervisorError) {
        try await base.stop(reason, timeout: timeout)
    }
}

/// One child as ``SupervisorRef/whichChildren(timeout:)`` reports it.
public struct ChildInfo: Sendable, Hashable {
    /// The child's id (a dynamic supervisor's children all have the template's).
    public let id: String
    /// Whether it runs.
    public let status: ChildStatus
    /// Worker or supervisor.
    public let type: ChildType

    /// The child's pid when it runs.
    public var pid: Pid? {
        if case .running(let pid) = status { return pid }
        return nil
    }
}

/// Whether a child runs (OTP reports a pid, `restarting` or `undefined`).
public enum ChildStatus: Sendable, Hashable {
    /// Running as this process.
    case running(Pid)
    /// A restart failed and is being retried.
    case restarting
    /// Not running: stopped, ignored at start, or exited and not restarted.
    case notRunning
}

/// The counts ``SupervisorRef/countChildren(timeout:)`` returns.
public struct ChildCounts: Sendable, Hashable {
    /// Child specs (running or not).
    public let specs: Int
    /// Children running.
    public let active: Int
    /// Specs of supervisors.
    public let supervisors: Int
    /// Specs of workers.
    public let workers: Int

    /// Creates counts.
    public init(specs: Int, active: Int, supervisors: Int, workers: Int) {
        self.specs = specs
        self.active = active
        self.supervisors = supervisors
        self.workers = workers
    }
}

/// Why a supervisor request failed: the cases to switch on.
public enum SupervisorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A child with the id is running (OTP's `{already_started, Pid}`).
    case alreadyStarted(id: String, pid: Pid)
    /// A child with the id exists but is not running (`already_present`).
    case alreadyPresent(id: String)
    /// No such child (`not_found`).
    case notFound
    /// The child runs, so it cannot be restarted or deleted (`running`).
    case running(id: String)
    /// A failed restart of the child is being retried (`restarting`).
    case restarting(id: String)
    /// The child's start function failed with this reason.
    case startFailed(id: String, reason: ExitReason)
    /// A spec is invalid; the text says how.
    case invalidChildSpec(String)
    /// A dynamic child's arguments are not of the template's type (a reference by name of the
    /// wrong `Args`).
    case badArguments(String)
    /// The call to the supervisor itself failed (not running, timed out, exited).
    case call(GenServerError)

    public var description: String {
        switch self {
        case .alreadyStarted(let id, let pid): "child \"\(id)\" is already running as \(pid)"
        case .alreadyPresent(let id): "child \"\(id)\" already exists"
        case .notFound: "no such child"
        case .running(let id): "child \"\(id)\" is running"
        case .restarting(let id): "child \"\(id)\" is restarting"
        case .startFailed(let id, let reason): "child \"\(id)\" failed to start: \(reason)"
        case .invalidChildSpec(let problem): "invalid child spec: \(problem)"
        case .badArguments(let type): "arguments of type \(type) do not fit the supervisor's template"
        case .call(let error): "the supervisor call failed: \(error)"
        }
    }
}

extension SupervisorReply {
    func startedPid() throws(SupervisorError) -> Pid? {
        guard case .started(let pid) = self else { throw .call(.badReply("\(self)")) }
        return pid
    }

    func done() throws(SupervisorError) {
        guard case .done = self else { throw .call(.badReply("\(self)")) }
    }

    func children() throws(SupervisorError) -> [ChildInfo] {
        guard case .children(let children) = self else { throw .call(.badReply("\(self)")) }
        return children
    }

    func counts() throws(SupervisorError) -> ChildCounts {
        guard case .counts(let counts) = self else { throw .call(.badReply("\(self)")) }
        return counts
    }
}
