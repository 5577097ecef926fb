import Synchronization

/// A node's side of remote function calls: the functions it exposes, the server that runs
/// them, and the bookkeeping of the calls it makes (Partisan's `partisan_rpc_backend` and
/// configuration in one).
///
/// Every node has one (``PartisanNode/rpcService``). A distributed node starts its server,
/// registered as ``serverName``, when it starts; a node without networking starts it at its
/// first call to itself. Each call runs in a fresh process, so a slow function never holds up
/// the server or the connection; at most ``maxConcurrentCalls`` run at once, and a call
/// beyond that fails at once with ``RPCError/overloaded``.
///
/// Every node registers the built-in functions `partisan.members`, `partisan.info` and
/// `partisan.processes` (see ``BuiltinFunctions``).
public final class RPCService: Sendable {
    /// The name the server is registered under on every node.
    public static let serverName = "partisan_rpc"

    /// A registered function: decodes its arguments, runs, encodes its result. Throws only
    /// the running process's own exit (the server then reports how it ended).
    typealias Handler = @Sendable (Term) async throws(ProcessError) -> RPCOutcome

    let runtime: ProcessRuntime
    private let monitorNode: @Sendable (Node, Pid) -> Void
    private let handlers = Mutex<[String: Handler]>([:])
    private let limit = Atomic<Int>(10_000)
    private let running = Atomic<Int>(0)
    private let refusing = Atomic<Bool>(false)
    /// The calls this node has sent and not yet ended, with the process that waits for each.
    private let pending = Mutex(PendingRequests())
    private let server = Mutex<Pid?>(nil)
    /// One local process per peer node that exits with `noconnection` when the node goes down:
    /// a call monitors it, so a lost node ends the call at once (see ``sentinel(for:)``).
    private let sentinels = Mutex<[Node: Pid]>([:])

    init(runtime: ProcessRuntime, monitorNode: @escaping @Sendable (Node, Pid) -> Void) {
        self.runtime = runtime
        self.monitorNode = monitorNode
    }

    // MARK: Functions

    /// Exposes `function` to other nodes: each call decodes the arguments as `Arguments`,
    /// runs `handler` in a fresh process (``ProcessContext/current`` is that process) and
    /// sends back its result. An error the handler throws reaches the caller as
    /// ``RPCError/exception(type:message:)``; arguments of another shape as
    /// ``RPCError/badArguments(_:)``. Registering a name again replaces its handler.
    public func register<Arguments, Result>(
        _ function: RemoteFunction<Arguments, Result>,
        handler: @escaping @Sendable (Arguments) async throws -> Result
    ) {
        let name = function.name
        let wrapped: Handler = { (term) async throws(ProcessError) -> RPCOutcome in
            let arguments: Arguments
            do {
                arguments = try TermDecoder().decode(Arguments.self, from: term)
            } catch {
                return .failure(.badArguments("\(name) takes \(Arguments.self): \(Self.describe(error))"))
            }
            let result: Result
            do {
                result = try await handler(arguments)
            } catch let error as ProcessError where error.exitReason != nil {
                throw error
            } catch {
                let crash = ProcessCrash(error)
                return .failure(.exception(type: crash.typeName, message: crash.message))
            }
            do {
                return .value(try TermEncoder().encode(result))
            } catch {
                return .failure(.badResult("\(name)'s result has no term: \(Self.describe(error))"))
            }
        }
        handlers.withLock { $0[name] = wrapped }
    }

    /// Exposes a function by name; see ``register(_:handler:)``.
    public func register<Arguments: Codable & Sendable, Result: Codable & Sendable>(
        _ name: String, handler: @escaping @Sendable (Arguments) async throws -> Result
    ) {
        register(RemoteFunction<Arguments, Result>(name), handler: handler)
    }

    /// Stops exposing `name`; calls to it fail with ``RPCError/undef(_:)``. Returns whether it
    /// was registered.
    @discardableResult
    public func unregister(_ name: String) -> Bool {
        handlers.withLock { $0.removeValue(forKey: name) != nil }
    }

    /// The names of the registered functions, sorted.
    public var functionNames: [String] { handlers.withLock { $0.keys.sorted() } }

    func handler(named name: String) -> Handler? { handlers.withLock { $0[name] } }

    // MARK: Limits and statistics

    /// How many calls may run on this node at once (default 10,000, as Partisan's
    /// `rpc_max_concurrency`); a call beyond it fails with ``RPCError/overloaded``.
    public var maxConcurrentCalls: Int {
        get { limit.load(ordering: .relaxed) }
        set { limit.store(max(1, newValue), ordering: .relaxed) }
    }

    /// How many calls from other nodes (or this one) are running on this node now.
    public var runningCalls: Int { running.load(ordering: .relaxed) }

    /// How many calls this node has sent and is still waiting for: it goes back to zero when
    /// every call has been answered, has failed or has timed out (a request made with
    /// ``ERPC/sendRequest(_:on:_:from:)`` counts until a response is received, it is
    /// abandoned, or its process exits).
    public var outstandingRequests: Int {
        pending.withLock { pending in
            pending.dropRequests { !runtime.isAlive($0) }
            return pending.waiting.count
        }
    }

    func setRunning(_ count: Int) { running.store(count, ordering: .relaxed) }
    func requestSent(_ tag: Ref, by caller: Pid) {
        pending.withLock { pending in
            pending.waiting[tag] = caller
            // The requests of processes that exited while waiting are dropped now and then, so
            // the table is bounded by the live processes' requests.
            if pending.waiting.count >= pending.pruneAt {
                pending.dropRequests { !runtime.isAlive($0) }
                pending.pruneAt = max(1_024, pending.waiting.count * 2)
            }
        }
    }

    /// Whether `tag` was pending (and is not any more).
    func requestEnded(_ tag: Ref) -> Bool { pending.withLock { $0.waiting.removeValue(forKey: tag) != nil } }

    // MARK: Processes

    /// Starts the server unless it is running; returns its pid.
    @discardableResult
    func startServer() -> Pid {
        server.withLock { pid in
            if let pid, runtime.isAlive(pid) { return pid }
            // Trapping exits: a stray exit signal (not `.kill`) must not stop the node serving calls.
            let started = runtime.spawn(.trapExit) { ctx in try await RPCServer.run(ctx, service: self) }
            try? runtime.register(Self.serverName, started)
            pid = started
            return started
        }
    }

    /// Makes the server answer every new call ``RPCError/shuttingDown`` (the node is shutting
    /// down); calls running go on.
    func refuseCalls() { refusing.store(true, ordering: .relaxed) }

    /// Whether new calls are refused (see ``refuseCalls()``).
    var refusesCalls: Bool { refusing.load(ordering: .relaxed) }

    /// Kills the server, if it runs, and forgets it.
    func stopServer() {
        let pid = server.withLock { pid in
            defer { pid = nil }
            return pid
        }
        if let pid { runtime.exit(pid, .kill) }
    }

    /// The local process that stands for the connection to `node`: it exits with
    /// `noconnection` when the node goes down (at once if it is not connected), and leaves the
    /// table then, so calls to nodes that are gone leave nothing behind. Monitoring it costs a
    /// call no message to the other node.
    func sentinel(for node: Node) -> Pid {
        let (pid, isNew) = sentinels.withLock { table -> (Pid, Bool) in
            if let pid = table[node], runtime.isAlive(pid) { return (pid, false) }
            // Its `noconnection` exit is its purpose, not a crash.
            let pid = runtime.spawn(.noCrashReport) { ctx in
                _ = try await ctx.receive(NodeDown.self)
                self.sentinels.withLock { if $0[node] == ctx.pid { $0[node] = nil } }
                try ctx.exit(.noconnection)
            }
            table[node] = pid
            return (pid, true)
        }
        // Outside the lock: without a session the `NodeDown` is delivered at once.
        if isNew { monitorNode(node, pid) }
        return pid
    }

    /// How many peer nodes this node's calls watch for loss (one local process each, kept
    /// while the node is connected): it does not grow with calls to nodes that are gone.
    public var watchedNodes: Int { sentinels.withLock { $0.count } }

    /// A decoding error as one readable line: where in the value, and what went wrong.
    static func describe(_ error: any Error) -> String {
        let context: DecodingError.Context
        switch error as? DecodingError {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            context = c
        default:
            return "\(error)"
        }
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "at \(path): \(context.debugDescription)"
    }
}

/// The calls a node has sent and not yet ended.
struct PendingRequests {
    /// The process waiting for each request, by the request's tag.
    var waiting: [Ref: Pid] = [:]
    /// The size at which the requests of exited processes are dropped next.
    var pruneAt = 1_024

    mutating func dropRequests(of isGone: (Pid) -> Bool) {
        waiting = waiting.filter { !isGone($0.value) }
    }
}
