/// The message a state or generic timeout's timer sends to the machine. The generation tells
/// a live timer from one that was cancelled or restarted after it fired.
@usableFromInline
struct GenStatemTimerFired: Sendable {
    @usableFromInline let generation: UInt64

    @usableFromInline
    init(generation: UInt64) { self.generation = generation }
}

/// The process body of a ``GenStatem``: the event queue, postponed events, the three kinds of
/// timeout, state enter calls.
///
/// Events come, in this order, from: the queue of inserted and retried (postponed) events;
/// the queue of zero-time timeouts (OTP's `t0q`, between the queue and the mailbox, so
/// cancelling a zero timeout still removes it); the mailbox. The event timeout is the
/// deadline of the mailbox wait itself; state and generic timeouts are ``ProcessTimer``s whose
/// messages carry a generation, so a stale one is dropped.
///
/// `@inlinable` so that it is specialised for each machine type in the module that starts it,
/// as ``GenServerLoop`` is: unspecialised, generic metadata look-ups and witness-table calls
/// took most of an event's time.
@usableFromInline
struct GenStatemLoop<Machine: GenStatem> {
    @usableFromInline typealias Event = GenStatemEvent<Machine>
    @usableFromInline typealias Action = GenStatemAction<Machine>

    @usableFromInline
    enum Slot: Hashable {
        case event
        case state
        case named(Machine.TimeoutName)
    }

    /// A running state or generic timeout; `timer` is `nil` while it waits in `zeroQueue`.
    @usableFromInline
    struct Armed {
        @usableFromInline let generation: UInt64
        @usableFromInline let timer: ProcessTimer?
        @usableFromInline let event: Event

        @usableFromInline
        init(generation: UInt64, timer: ProcessTimer?, event: Event) {
            self.generation = generation
            self.timer = timer
            self.event = event
        }
    }

    @usableFromInline
    enum Next {
        case event(Event)
        case stop(ExitReason)
    }

    @usableFromInline let machine: Machine
    @usableFromInline let context: GenStatemContext
    @usableFromInline var state: Machine.State
    @usableFromInline var data: Machine.Data
    @usableFromInline var queue: [Event] = []
    @usableFromInline var postponed: [Event] = []
    @usableFromInline var zeroQueue: [(slot: Slot, event: Event)] = []
    @usableFromInline var eventTimeout: (deadline: ContinuousClock.Instant, content: Machine.TimeoutContent)?
    @usableFromInline var stateTimer: Armed?
    @usableFromInline var namedTimers: [Machine.TimeoutName: Armed] = [:]
    @usableFromInline var generation: UInt64 = 0

    @inlinable
    init(machine: Machine, context: GenStatemContext, state: Machine.State, data: Machine.Data) {
        self.machine = machine
        self.context = context
        self.state = state
        self.data = data
    }

    @inlinable
    static func run(
        _ machine: Machine, name: String?, process: ProcessContext, acknowledge: InitAcknowledger
    ) async throws {
        let context = GenStatemContext(process: process, parent: acknowledge.parent)
        try acknowledge.register(name, process: process)
        let initResult: GenStatemInitResult<Machine>
        do {
            initResult = try await machine.initialize(context: context)
        } catch let error as ProcessError {
            throw error
        } catch {
            let reason = ExitReason.crashed(ProcessCrash(error))
            acknowledge(.failed(reason), from: process)
            try process.exit(reason)
        }
        switch initResult.kind {
        case .ignore:
            acknowledge(.ignored, from: process)
            try process.exit(.normal)
        case .stop(let reason):
            acknowledge(.failed(reason), from: process)
            try process.exit(reason)
        case .ok(let state, let data, let actions):
            acknowledge(.started, from: process)
            var loop = GenStatemLoop(machine: machine, context: context, state: state, data: data)
            let reason = try await loop.runUntilStopped(initialActions: actions)
            await machine.terminate(reason: reason, state: loop.state, data: loop.data, context: context)
            try process.exit(reason)
        }
    }

    /// Runs the initial actions and enter call, then events, until the machine stops; returns
    /// why. A kill or an untrapped exit signal propagates (no `terminate`, Erlang's rule).
    @inlinable
    mutating func runUntilStopped(initialActions: [Action]) async throws -> ExitReason {
        do {
            if let reason = try await transit(to: state, initialActions, event: nil, enter: true) { return reason }
            while true {
                switch try await next() {
                case .stop(let reason): return reason
                case .event(let event):
                    if let reason = try await handle(event) { return reason }
                }
            }
        } catch let error as ProcessError {
            if case .exiting = error { throw error }
            return .crashed(ProcessCrash(error))
        } catch {
            return .crashed(ProcessCrash(error))
        }
    }

    // MARK: Events

    /// The next event to handle (any event cancels the event timeout), or a request to stop.
    @inlinable
    mutating func next() async throws -> Next {
        if !queue.isEmpty {
            cancelEventTimeout()
            return .event(queue.removeFirst())
        }
        if !zeroQueue.isEmpty {
            let (slot, event) = zeroQueue.removeFirst()
            switch slot {
            case .event: eventTimeout = nil
            case .state: stateTimer = nil
            case .named(let name): namedTimers[name] = nil
            }
            cancelEventTimeout()
            return .event(event)
        }
        let process = context.process
        while true {
            let message: any Sendable
            if let (deadline, content) = eventTimeout {
                let remaining = deadline - ContinuousClock.now
                guard let received = try await process.receive(timeout: max(remaining, .zero)) else {
                    eventTimeout = nil
                    return .event(.eventTimeout(content))
                }
                message = received
            } else {
                message = try await process.receive()
            }
            let event: Event
            switch message {
            case let fired as GenStatemTimerFired:
                guard let timeout = takeTimeout(generation: fired.generation) else { continue }  // stale
                event = timeout
            case let call as GenServerCall:
                if let request = call.request as? Machine.Call {
                    event = .call(request, from: CallerRef(alias: call.from, runtime: process.runtime))
                } else {
                    event = .info(message)
                }
            case let cast as GenServerCast<Machine.Cast>:
                event = .cast(cast.request)
            case let stop as GenServerStopRequest:
                return .stop(stop.reason)
            case let exit as ExitMessage where exit.from == context.parent:
                // The parent (a supervisor) is going: stop with its reason, terminate included.
                return .stop(exit.reason)
            default:
                event = .info(message)
            }
            eventTimeout = nil
            return .event(event)
        }
    }

    /// Handles one event; returns the reason if the machine stops.
    @inlinable
    mutating func handle(_ event: Event) async throws -> ExitReason? {
        let transition = try await machine.handleEvent(event, state: state, data: &data, context: context)
        switch transition.kind {
        case .next(let newState, let actions):
            return try await transit(to: newState, actions, event: event, enter: false)
        case .keep(let actions):
            return try await transit(to: state, actions, event: event, enter: false)
        case .repeat(let actions):
            return try await transit(to: state, actions, event: event, enter: true)
        case .stop(let reason, let replies):
            try sendReplies(replies)
            return reason
        }
    }

    /// Applies a transition to `newState` with `actions` after `event` (`nil` for the initial
    /// actions); `enter` forces the enter call without a state change (repeat, initial state).
    @inlinable
    mutating func transit(
        to newState: Machine.State, _ actions: [Action], event: Event?, enter: Bool
    ) async throws -> ExitReason? {
        var postpone = false
        var inserted: [Event] = []
        for action in actions {
            switch action.kind {
            case .reply(let from, let value): from.reply(value)
            case .postpone:
                guard event != nil else {
                    throw GenStatemCallbackError.actionNotAllowed(action: "postpone", in: "initialize")
                }
                postpone = true
            case .nextEvent(let inserting): inserted.append(inserting)
            default: break
            }
        }
        if postpone, let event { postponed.append(event) }
        let oldState = state
        let changed = newState != state
        if changed {
            state = newState
            // Postponed events are retried first, in the order they came.
            if !postponed.isEmpty {
                queue.insert(contentsOf: postponed, at: 0)
                postponed.removeAll()
            }
            disarm(.state)
        }
        if !inserted.isEmpty { queue.insert(contentsOf: inserted, at: 0) }
        applyTimeouts(actions)
        guard Machine.stateEnter, changed || enter else { return nil }
        return try await enterState(from: oldState)
    }

    /// Runs the state enter call (again, while it returns `.repeatState`).
    @inlinable
    mutating func enterState(from oldState: Machine.State) async throws -> ExitReason? {
        var from = oldState
        while true {
            let result = try await machine.enterState(state, from: from, data: &data, context: context)
            let actions: [Action]
            switch result.kind {
            case .stop(let reason, let replies):
                try sendReplies(replies)
                return reason
            case .keep(let list), .repeat(let list):
                actions = list
            }
            for action in actions {
                switch action.kind {
                case .reply(let from, let value): from.reply(value)
                case .postpone, .nextEvent:
                    throw GenStatemCallbackError.actionNotAllowed(action: action.name, in: "a state enter call")
                default: break
                }
            }
            applyTimeouts(actions)
            guard case .repeat = result.kind else { return nil }
            from = state
        }
    }

    @inlinable
    func sendReplies(_ replies: [Action]) throws {
        for action in replies {
            guard case .reply(let from, let value) = action.kind else {
                throw GenStatemCallbackError.actionNotAllowed(action: action.name, in: "stopAndReply")
            }
            from.reply(value)
        }
    }

    // MARK: Timeouts

    @inlinable
    mutating func applyTimeouts(_ actions: [Action]) {
        for action in actions {
            switch action.kind {
            case .eventTimeout(let time, let content):
                cancelEventTimeout()
                guard case .after(let duration) = time else { break }
                if duration <= .zero {
                    zeroQueue.append((.event, .eventTimeout(content)))
                } else {
                    eventTimeout = (ContinuousClock.now + duration, content)
                }
            case .stateTimeout(let time, let content):
                arm(.state, time, .stateTimeout(content))
            case .timeout(let name, let time, let content):
                arm(.named(name), time, .timeout(name, content))
            case .cancelStateTimeout:
                disarm(.state)
            case .cancelTimeout(let name):
                disarm(.named(name))
            case .reply, .postpone, .nextEvent, .hibernate:
                break
            }
        }
    }

    /// (Re)starts the timeout in `slot`; `.infinity` only cancels it.
    @inlinable
    mutating func arm(_ slot: Slot, _ time: CallTimeout, _ event: Event) {
        disarm(slot)
        guard case .after(let duration) = time else { return }
        generation &+= 1
        let armed: Armed
        if duration <= .zero {
            zeroQueue.append((slot, event))
            armed = Armed(generation: generation, timer: nil, event: event)
        } else {
            let timer = context.process.sendAfter(
                duration, GenStatemTimerFired(generation: generation), to: context.pid)
            armed = Armed(generation: generation, timer: timer, event: event)
        }
        switch slot {
        case .state: stateTimer = armed
        case .named(let name): namedTimers[name] = armed
        case .event: break
        }
    }

    /// Cancels the timeout in `slot`, wherever it waits.
    @inlinable
    mutating func disarm(_ slot: Slot) {
        let armed: Armed?
        switch slot {
        case .event:
            cancelEventTimeout()
            return
        case .state:
            armed = stateTimer
            stateTimer = nil
        case .named(let name):
            armed = namedTimers.removeValue(forKey: name)
        }
        guard let armed else { return }
        if let timer = armed.timer {
            context.process.cancelTimer(timer)
        } else {
            zeroQueue.removeAll { $0.slot == slot }
        }
    }

    @inlinable
    mutating func cancelEventTimeout() {
        eventTimeout = nil
        if !zeroQueue.isEmpty { zeroQueue.removeAll { $0.slot == .event } }
    }

    /// The event of the live timer with `generation`, which stops being armed; `nil` for a
    /// stale timer message.
    @inlinable
    mutating func takeTimeout(generation: UInt64) -> Event? {
        if let armed = stateTimer, armed.generation == generation {
            stateTimer = nil
            return armed.event
        }
        guard let (name, armed) = namedTimers.first(where: { $0.value.generation == generation }) else { return nil }
        namedTimers[name] = nil
        return armed.event
    }
}
