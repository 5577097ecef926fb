import Metrics

/// The supervisor process: a ``GenServer`` that traps exits, so the call mechanism, the
/// synchronous start, `stop` and "an exit from the parent runs `terminate`" come from the
/// GenServer loop. This file holds its state, start and API requests;
/// `SupervisorServer+Restart.swift` reacts to children's exits; `SupervisorServer+Shutdown.swift`
/// stops children.
struct SupervisorServer: GenServer {
    typealias Call = SupervisorRequest
    typealias Reply = SupervisorReply

    /// A fixed list of children with a strategy, or a dynamic template.
    enum Mode: Sendable {
        case fixed(SupervisorStrategy)
        case dynamic(Template)
    }

    /// A dynamic supervisor's template, with the argument type erased.
    struct Template: Sendable {
        let id: String
        let shutdown: Shutdown
        let type: ChildType
        let child: @Sendable (any Sendable) throws(SupervisorError) -> ChildSpec
    }

    /// A child of a fixed supervisor: its spec and its process, if running.
    struct Child: Sendable {
        var spec: ChildSpec
        var pid: Pid?
        /// A restart failed and a retry is queued.
        var restarting = false

        var status: ChildStatus {
            if let pid { return .running(pid) }
            return restarting ? .restarting : .notRunning
        }
    }

    /// How a start function ended.
    enum ChildStart {
        case started(Pid?)
        case failed(ExitReason)
    }

    let mode: Mode
    let intensity: Int
    let period: Duration
    let options: SupervisorOptions
    let outcome: SupervisorStartOutcome
    /// A fixed supervisor's children, in start order (the specs given at start, then added ones).
    var children: [Child]
    /// A dynamic supervisor's running children.
    var dynamicChildren: [Pid: ChildSpec] = [:]
    /// When the restarts within the last `period` happened, oldest first.
    var restarts: [ContinuousClock.Instant] = []

    init(
        mode: Mode, intensity: Int, period: Duration, children: [ChildSpec], options: SupervisorOptions,
        outcome: SupervisorStartOutcome
    ) {
        self.mode = mode
        self.intensity = intensity
        self.period = period
        self.options = options
        self.outcome = outcome
        self.children = children.map { Child(spec: $0) }
    }

    // MARK: Start

    /// Starts the children in order; on a failure, stops those started (reverse order) and
    /// fails the supervisor's start.
    mutating func initialize(context: GenServerContext) async throws -> InitResult<Never> {
        var index = 0
        while index < children.count {
            let spec = children[index].spec
            switch try await start(spec, context: context) {
            case .started(let pid):
                if pid == nil && spec.restart == .temporary {
                    children.remove(at: index)
                    continue
                }
                children[index].pid = pid
                index += 1
            case .failed(let reason):
                children.removeSubrange(index...)
                await terminateAll(context: context)
                let error = SupervisorStartError.childFailed(id: spec.id, reason: reason)
                outcome.fail(error)
                return .stop(error.exitReason)
            }
        }
        return .ok()
    }

    /// Runs a start function in this process. A start failure is a value; the supervisor
    /// itself being ended while it waits is thrown.
    func start(_ spec: ChildSpec, context: GenServerContext) async throws(ProcessError) -> ChildStart {
        do {
            return .started(try await spec.start(context.process))
        } catch {
            // The runtime already holds the real reason; this only unwinds the loop.
            guard context.process.isAlive else { throw .exiting(.killed) }
            let reason: ExitReason =
                switch error {
                case GenServerStartError.failed(let reason): reason
                case let error as SupervisorStartError: error.exitReason
                case let error as ProcessError: error.exitReason ?? .crashed(ProcessCrash(error))
                default: .crashed(ProcessCrash(error))
                }
            return .failed(reason)
        }
    }

    // MARK: Requests

    mutating func handleCall(_ request: SupervisorRequest, from: CallerRef<SupervisorReply>, context: GenServerContext)
        async throws -> CallResult<SupervisorReply, Never>
    {
        .reply(try await answer(request, context: context))
    }

    private mutating func answer(_ request: SupervisorRequest, context: GenServerContext) async throws
        -> SupervisorReply
    {
        switch (request, mode) {
        case (.startChild(let spec), .fixed):
            return try await startNewChild(spec, context: context)
        case (.startDynamicChild(let args), .dynamic(let template)):
            let spec: ChildSpec
            do {
                spec = try template.child(args)
            } catch {
                return .failed(error)
            }
            switch try await start(spec, context: context) {
            case .started(let pid):
                if let pid { dynamicChildren[pid] = spec }
                return .started(pid)
            case .failed(let reason):
                return .failed(.startFailed(id: spec.id, reason: reason))
            }
        case (.terminateChild(let id), .fixed):
            guard let index = children.firstIndex(where: { $0.spec.id == id }) else { return .failed(.notFound) }
            try await stop(childAt: index, context: context)
            if children[index].spec.restart == .temporary { children.remove(at: index) }
            return .done
        case (.terminateDynamicChild(let pid), .dynamic):
            guard let spec = dynamicChildren.removeValue(forKey: pid) else { return .failed(.notFound) }
            try await stop(pid, spec: spec, context: context)
            return .done
        case (.restartChild(let id), .fixed):
            guard let index = children.firstIndex(where: { $0.spec.id == id }) else { return .failed(.notFound) }
            if children[index].pid != nil { return .failed(.running(id: id)) }
            if children[index].restarting { return .failed(.restarting(id: id)) }
            switch try await start(children[index].spec, context: context) {
            case .started(let pid):
                children[index].pid = pid
                return .started(pid)
            case .failed(let reason):
                return .failed(.startFailed(id: id, reason: reason))
            }
        case (.deleteChild(let id), .fixed):
            guard let index = children.firstIndex(where: { $0.spec.id == id }) else { return .failed(.notFound) }
            if children[index].pid != nil { return .failed(.running(id: id)) }
            if children[index].restarting { return .failed(.restarting(id: id)) }
            children.remove(at: index)
            return .done
        case (.childSpec(let id), .fixed):
            guard let child = children.first(where: { $0.spec.id == id }) else { return .failed(.notFound) }
            return .spec(child.spec)
        case (.whichChildren, .fixed):
            return .children(children.map { ChildInfo(id: $0.spec.id, status: $0.status, type: $0.spec.type) })
        case (.whichChildren, .dynamic(let template)):
            let running = dynamicChildren.keys.sorted()
            return .children(running.map { ChildInfo(id: template.id, status: .running($0), type: template.type) })
        case (.countChildren, .fixed):
            let supervisors = children.filter { $0.spec.type == .supervisor }.count
            return .counts(
                ChildCounts(
                    specs: children.count, active: children.filter { $0.pid != nil }.count, supervisors: supervisors,
                    workers: children.count - supervisors))
        case (.countChildren, .dynamic(let template)):
            let count = dynamicChildren.count
            return .counts(
                ChildCounts(
                    specs: count, active: count, supervisors: template.type == .supervisor ? count : 0,
                    workers: template.type == .worker ? count : 0))
        case (.startChild, .dynamic), (.terminateChild, .dynamic), (.restartChild, .dynamic),
            (.deleteChild, .dynamic), (.childSpec, .dynamic):
            return .failed(.invalidChildSpec("a dynamic supervisor only starts children from its template"))
        case (.startDynamicChild, .fixed), (.terminateDynamicChild, .fixed):
            return .failed(.invalidChildSpec("not a dynamic supervisor"))
        }
    }

    private mutating func startNewChild(_ spec: ChildSpec, context: GenServerContext) async throws -> SupervisorReply {
        do {
            try SupervisorRef.check(id: spec.id, shutdown: spec.shutdown)
        } catch {
            return .failed(error)
        }
        if let existing = children.first(where: { $0.spec.id == spec.id }) {
            if let pid = existing.pid { return .failed(.alreadyStarted(id: spec.id, pid: pid)) }
            return .failed(.alreadyPresent(id: spec.id))
        }
        switch try await start(spec, context: context) {
        case .started(let pid):
            if pid != nil || spec.restart != .temporary { children.append(Child(spec: spec, pid: pid)) }
            return .started(pid)
        case .failed(let reason):
            return .failed(.startFailed(id: spec.id, reason: reason))
        }
    }

    // MARK: Reporting

    func report(_ kind: SupervisorEvent.Kind, context: GenServerContext) {
        if case .childRestarted = kind {
            Counter(
                label: MetricName.supervisorRestarts, dimensions: [("node", context.node.name)],
                factory: context.process.runtime.metricsFactory
            ).increment()
        }
        options.observer?(SupervisorEvent(supervisor: context.pid, kind: kind))
    }
}
