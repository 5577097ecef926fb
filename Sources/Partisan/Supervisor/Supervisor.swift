/// The specification types of a supervisor and the rules it follows: Erlang's `supervisor`.
///
/// A supervisor is a process that starts child processes, watches them through links, and
/// restarts them by these rules:
///
/// - **Start order.** Children start one after another in the order of the list; each start
///   function returns before the next runs. A child that fails to start makes the supervisor's
///   own start fail (``SupervisorStartError/childFailed(id:reason:)``), after the children
///   already started are stopped in reverse order.
/// - **Restart type** (``RestartType``): `permanent` children are always restarted,
///   `transient` ones only after an abnormal exit (any reason but `normal`, `shutdown` and
///   `shutdownWith`), `temporary` ones never — not even when a sibling's failure restarts the
///   group under `oneForAll` or `restForOne`; their spec is forgotten when they exit.
/// - **Strategy** (``SupervisorStrategy``): which children are restarted with the one that
///   failed. Siblings are stopped in reverse start order, then all are started again in start
///   order.
/// - **Intensity.** If more than ``SupervisorFlags/intensity`` restarts happen within
///   ``SupervisorFlags/period`` (OTP's default: 1 restart in 5 s), the supervisor stops all its
///   children in reverse start order and exits with `shutdown`, which its own parent (a
///   supervisor one level up) sees as the exit of a child. A restart whose start fails counts
///   too and is tried again, so a child that can never start exhausts the intensity.
/// - **Shutdown** (``Shutdown``): to stop a child, the supervisor sends it an exit signal
///   `shutdown` and waits for it to exit up to the child's timeout, then kills it
///   (`brutalKill` kills at once, `infinity` waits as long as it takes). Children stop in
///   reverse start order, so a tree shuts down deepest and youngest first. A child that exits
///   with an unexpected reason while being stopped is reported (log line and
///   ``SupervisorEvent/Kind/shutdownError(id:pid:reason:)``) and the shutdown carries on.
/// - **Parent.** A supervisor traps exits. An exit signal from its parent (the process that
///   started it linked, usually a supervisor) makes it stop its children and exit with the
///   parent's reason.
///
/// A dynamic supervisor (OTP's `simple_one_for_one`, Elixir's `DynamicSupervisor`) has one
/// template (``DynamicChildSpec``) and no children at first; each
/// ``DynamicSupervisorRef/startChild(_:)`` starts one more with the arguments given. Its
/// children are restarted one for one, and stopped all at once (no defined order) when it
/// shuts down.
public enum SupervisorStrategy: Sendable, Hashable {
    /// Restart only the child that exited (`one_for_one`).
    case oneForOne
    /// Stop all other children, then restart all of them (`one_for_all`).
    case oneForAll
    /// Stop the children started after the one that exited, then restart it and them
    /// (`rest_for_one`).
    case restForOne
}

/// When a child is restarted after it exits.
public enum RestartType: Sendable, Hashable {
    /// Always restarted.
    case permanent
    /// Restarted only after an abnormal exit: not after `normal`, `shutdown` or
    /// `shutdownWith`.
    case transient
    /// Never restarted; its spec is removed when it exits.
    case temporary

    /// Whether a child of this type that exited with `reason` is restarted.
    public func restarts(after reason: ExitReason) -> Bool {
        switch self {
        case .permanent: true
        case .transient: !reason.isOrderly
        case .temporary: false
        }
    }
}

/// How a supervisor stops a child.
public enum Shutdown: Sendable, Hashable {
    /// Kill it at once with the untrappable `kill` signal (`brutal_kill`).
    case brutalKill
    /// Send it a `shutdown` exit signal, wait up to the duration for it to exit, then kill it.
    case timeout(Duration)
    /// Send it a `shutdown` exit signal and wait as long as it takes (the default for child
    /// supervisors, which need the time to stop their own children).
    case infinity

    /// The default for workers: 5 seconds, as in OTP.
    public static let workerDefault = Shutdown.timeout(.seconds(5))
}

/// Whether a child is a worker or a supervisor: it sets the default ``Shutdown`` and what
/// ``SupervisorRef/countChildren()`` counts.
public enum ChildType: Sendable, Hashable {
    /// Any process that is not a supervisor.
    case worker
    /// A supervisor (its shutdown default is `infinity`).
    case supervisor
}

/// A supervisor's restart strategy and intensity (OTP's `sup_flags()`).
public struct SupervisorFlags: Sendable, Hashable {
    /// Which children restart with the one that exited.
    public var strategy: SupervisorStrategy
    /// The most restarts allowed within ``period``; one more and the supervisor shuts down.
    public var intensity: Int
    /// The sliding window ``intensity`` counts restarts in.
    public var period: Duration

    /// Flags with OTP's defaults: `oneForOne`, at most 1 restart in 5 seconds.
    public init(strategy: SupervisorStrategy = .oneForOne, intensity: Int = 1, period: Duration = .seconds(5)) {
        self.strategy = strategy
        self.intensity = intensity
        self.period = period
    }
}

/// How to start, restart and stop one child (OTP's `child_spec()`).
///
/// The start function runs **in the supervisor's process** (it is passed the supervisor's
/// context, which is also ``ProcessContext/current``) and must start the child linked to the
/// supervisor and return its pid, or `nil` to be ignored (OTP's `ignore`: the spec is kept
/// with no process). Throwing fails the start with the error as a crash. A start function must
/// return once the child is ready (a GenServer's `startGenServer(linkage: .linked)` does), and
/// must not call its own supervisor's API (the supervisor is busy running it).
public struct ChildSpec: Sendable {
    /// The child's name within its supervisor; unique among its siblings.
    public var id: String
    /// Starts the child, linked to the supervisor whose context is passed.
    public var start: @Sendable (ProcessContext) async throws -> Pid?
    /// When the child is restarted.
    public var restart: RestartType
    /// How the child is stopped.
    public var shutdown: Shutdown
    /// Whether the child is a worker or a supervisor.
    public var type: ChildType

    /// A child spec. `shutdown` defaults to 5 seconds for a worker and `infinity` for a
    /// supervisor.
    public init(
        id: String, restart: RestartType = .permanent, shutdown: Shutdown? = nil, type: ChildType = .worker,
        start: @escaping @Sendable (ProcessContext) async throws -> Pid?
    ) {
        self.id = id
        self.start = start
        self.restart = restart
        self.shutdown = shutdown ?? (type == .worker ? .workerDefault : .infinity)
        self.type = type
    }

    /// A worker child started by `start`.
    public static func worker(
        id: String, restart: RestartType = .permanent, shutdown: Shutdown = .workerDefault,
        start: @escaping @Sendable (ProcessContext) async throws -> Pid?
    ) -> ChildSpec {
        ChildSpec(id: id, restart: restart, shutdown: shutdown, type: .worker, start: start)
    }

    /// A supervisor child started by `start`.
    public static func supervisor(
        id: String, restart: RestartType = .permanent, shutdown: Shutdown = .infinity,
        start: @escaping @Sendable (ProcessContext) async throws -> Pid?
    ) -> ChildSpec {
        ChildSpec(id: id, restart: restart, shutdown: shutdown, type: .supervisor, start: start)
    }

    /// A ``GenServer`` worker: each (re)start runs `makeServer` for a fresh state and starts
    /// it linked, registered as `name` if given. `initialize` returning `.ignore` makes the
    /// child ignored; any other start failure fails the child's start.
    public static func genServer<Server: GenServer>(
        id: String, name: String? = nil, restart: RestartType = .permanent, shutdown: Shutdown = .workerDefault,
        _ makeServer: @escaping @Sendable () -> Server
    ) -> ChildSpec {
        .worker(id: id, restart: restart, shutdown: shutdown) { supervisor in
            try await supervisor.startLinkedChild(makeServer(), name: name)
        }
    }

    /// A nested supervisor with `flags` and `children`, registered as `name` if given.
    public static func supervisor(
        id: String, flags: SupervisorFlags = SupervisorFlags(), children: [ChildSpec], name: String? = nil,
        restart: RestartType = .permanent, shutdown: Shutdown = .infinity
    ) -> ChildSpec {
        .supervisor(id: id, restart: restart, shutdown: shutdown) { parent in
            try await parent.startSupervisor(flags, children: children, name: name, linkage: .linked).pid
        }
    }
}

/// The template of a dynamic supervisor's children (OTP's `simple_one_for_one` child spec):
/// every ``DynamicSupervisorRef/startChild(_:)`` runs ``start`` with its own arguments.
///
/// The rules of ``ChildSpec/start`` apply to ``start``. A restarted child gets the arguments
/// it was first started with.
public struct DynamicChildSpec<Args: Sendable>: Sendable {
    /// The id every child of the template reports.
    public var id: String
    /// Starts one child with its arguments, linked to the supervisor whose context is passed.
    public var start: @Sendable (ProcessContext, Args) async throws -> Pid?
    /// When a child is restarted.
    public var restart: RestartType
    /// How a child is stopped.
    public var shutdown: Shutdown
    /// Whether the children are workers or supervisors.
    public var type: ChildType

    /// A template; `shutdown` defaults as for ``ChildSpec/init(id:restart:shutdown:type:start:)``.
    public init(
        id: String, restart: RestartType = .permanent, shutdown: Shutdown? = nil, type: ChildType = .worker,
        start: @escaping @Sendable (ProcessContext, Args) async throws -> Pid?
    ) {
        self.id = id
        self.start = start
        self.restart = restart
        self.shutdown = shutdown ?? (type == .worker ? .workerDefault : .infinity)
        self.type = type
    }

    /// A template of ``GenServer`` workers made from the arguments by `makeServer`.
    public static func genServer<Server: GenServer>(
        id: String, restart: RestartType = .permanent, shutdown: Shutdown = .workerDefault,
        _ makeServer: @escaping @Sendable (Args) -> Server
    ) -> DynamicChildSpec {
        DynamicChildSpec(id: id, restart: restart, shutdown: shutdown, type: .worker) { supervisor, args in
            try await supervisor.startLinkedChild(makeServer(args), name: nil)
        }
    }

    /// The child spec of one child started with `args`.
    func child(_ args: Args) -> ChildSpec {
        let start = self.start
        return ChildSpec(id: id, restart: restart, shutdown: shutdown, type: type) { try await start($0, args) }
    }
}

extension ProcessContext {
    /// Starts `server` linked to this process as a supervised child: `nil` when it ignores.
    func startLinkedChild<Server: GenServer>(_ server: Server, name: String?) async throws -> Pid? {
        do {
            return try await startGenServer(server, name: name, linkage: .linked).pid
        } catch GenServerStartError.ignored {
            return nil
        }
    }
}
