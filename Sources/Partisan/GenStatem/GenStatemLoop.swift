/// The message a state or generic timeout's timer sends to the machine. The generation tells
/// a live timer from one that was cancelled or restarted after it fired.
@usableFromInline
struct GenStatemTimerFired: Sendable {
    @usableFromInline let generation: UInt64

    @usableFromInline
    init(generation: UInt64) { self.generation = generation }
}

/// A running state or generic timeout: its generation, and its timer (`nil` while it waits in
/// the zero-time queue). Not nested in the generic loop, so copying it needs no metadata.
@usableFromInline
struct GenStatemArmedTimer {
    @usableFromInline let generation: UInt64
    @usableFromInline let timer: ProcessTimer?

    @usableFromInline
    init(generation: UInt64, timer: ProcessTimer?) {
        self.generation = generation
        self.timer = timer
    }
}

/// The process body of a ``GenStatem``: the event queue, postponed events, the three kinds of
/// timeout, state enter calls.
///
/// Events come, in this order, from: the queue of inserted and retried (postponed) events;
/// the queue of zero-time timeouts (OTP's `t0q`, between the queue and the mailbox, so
/// cancelling a zero timeout still removes it); the mailbox. Every timeout with a time is a
/// ``ProcessTimer`` whose message carries a generation, so a stale one is dropped; so an event
/// timeout and a message or another timeout meet in the mailbox in the order they came, as in
/// OTP, whatever the scheduling delays (an event timeout taken as the mailbox wait's deadline
/// lost that order when the process ran late).
///
/// `@inlinable` so that it is specialised for each machine type in the module that starts it,
/// as ``GenServerLoop`` is: unspecialised, generic metadata look-ups and witness-table calls
/// took most of an event's time.
@usableFromInline
struct GenStatemLoop<Machine: GenStatem> {
    @usableFromInline typealias Event = GenStatemEvent<Machine>
    @usableFromInline typealias Action = GenStatemAction<Machine>

    /// Where a zero-time timeout waits in `zeroQueue`.
    @usableFromInline
    enum Slot: Hashable {
        case event
        case state
        case named(Machine.TimeoutName)
    }

    @usableFromInline
    enum Next {
        case event(Event)
        case stop(ExitReason)
    }

    // The timeouts keep their parts in separate fields, not in optionals of generic structs:
    // a copy or a `nil` test of those goes through the type's value witnesses.
    @usableFromInline let machine: Machine
    @usableFromInline let context: GenStatemContext
    @usableFromInline var state: Machine.State
    @usableFromInline var data: Machine.Data
    @usableFromInline var queue: [Event] = []
    @usableFromInline var postponed: [Event] = []
    @usableFromInline var zeroQueue: [(slot: Slot, event: Event)] = []
    @usableFromInline var eventTimer: GenStatemArmedTimer?
    @usableFromInline var eventTimeoutContent: Machine.TimeoutContent?
    @usableFromInline var stateTimer: GenStatemArmedTimer?
    @usableFromInline var stateTimeoutContent: Machine.TimeoutContent?
    @usableFromInline var namedTimers:
        [Machine.TimeoutName: (armed: GenStatemArmedTimer, content: Machine.TimeoutContent)] =
            [:]
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
        } catch {
            try acknowledge.failInitialization(error, process: process)
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
            // The initial state is entered (from itself) as after a transition.
            let step = try transit(to: state, initialActions, initial: true)
            requeue(step)
            if Machine.stateEnter, let reason = try await enterState(from: state) { return reason }
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
    /// Inlined into the loop, as ``handle(_:)`` is: each async call allocates a frame on the task.
    @inlinable @inline(__always)
    mutating func next() async throws -> Next {
        if !queue.isEmpty {
            cancelEventTimeout()
            return .event(queue.removeFirst())
        }
        if !zeroQueue.isEmpty {
            let (slot, event) = zeroQueue.removeFirst()
            switch slot {
            case .event: clearEventTimeout()
            case .state: clearStateTimeout()
            case .named(let name): namedTimers[name] = nil
            }
            cancelEventTimeout()
            return .event(event)
        }
        let process = context.process
        while true {
            let message = try await process.receive()
            let event: Event
            // Casts first, by their exact type: a failed dynamic cast is not free.
            if type(of: message) == CastRequest<Machine.Cast>.self {
                event = .cast((message as! CastRequest<Machine.Cast>).request)
            } else {
                switch message {
                case let fired as GenStatemTimerFired:
                    guard let timeout = takeTimeout(generation: fired.generation) else { continue }  // stale
                    event = timeout
                case let call as CallRequest:
                    if let request = call.request as? Machine.Call {
                        event = .call(request, from: CallerRef(alias: call.from, runtime: process.runtime))
                    } else if call.rejectUndecoded(from: process) {
                        continue  // answered with an error: not an event
                    } else {
                        event = .info(message)
                    }
                case let cast as CastRequest<Machine.Cast>:
                    event = .cast(cast.request)
                case let stop as GenServerStopRequest:
                    return .stop(stop.reason)
                case let exit as ExitMessage where exit.from == context.parent:
                    // The parent (a supervisor) is going: stop with its reason, terminate included.
                    return .stop(exit.reason)
                default:
                    event = .info(message)
                }
            }
            cancelEventTimeout(unless: event)
            return .event(event)
        }
    }

    /// Handles one event; returns the reason if the machine stops.
    @inlinable @inline(__always)
    mutating func handle(_ event: borrowing Event) async throws -> ExitReason? {
        let transition = try await machine.handleEvent(event, state: state, data: &data, context: context)
        let newState: Machine.State
        let actions: [Action]
        let enter: Bool
        switch transition.kind {
        case .next(let next, let list): (newState, actions, enter) = (next, list, false)
        case .keep(let list): (newState, actions, enter) = (state, list, false)
        case .repeat(let list): (newState, actions, enter) = (state, list, true)
        case .stop(let reason, let replies):
            try sendReplies(replies)
            return reason
        }
        let oldState = state
        let step = try transit(to: newState, actions, initial: false)
        if step.postpone { postponed.append(copy event) }
        requeue(step)
        // `enter` forces the enter call without a state change (repeat).
        guard Machine.stateEnter, step.changed || enter else { return nil }
        return try await enterState(from: oldState)
    }

    /// Goes to `newState` (cancelling the state timeout if it changes), then applies `actions`
    /// in one pass: replies go at once, timeouts are set (so a state timeout set here is the new
    /// state's). Returns whether the state changed, whether the event is postponed, and the
    /// inserted events; ``requeue(_:)`` queues them once a postponed event is added.
    ///
    /// Synchronous, and the event is not passed in: an async call costs a frame allocation, a
    /// copy of an event goes through its generic value witnesses.
    @inlinable
    mutating func transit(
        to newState: Machine.State, _ actions: [Action], initial: Bool
    ) throws -> (changed: Bool, postpone: Bool, inserted: [Event]) {
        let changed = newState != state
        if changed {
            state = newState
            disarmStateTimeout()
        }
        var postpone = false
        var inserted: [Event] = []
        try actions.withUnsafeBufferPointer { actions in
            for index in actions.indices {
                switch actions[index].kind {
                case .reply(let from, let value): from.reply(value)
                case .postpone:
                    guard !initial else {
                        throw GenStatemCallbackError.actionNotAllowed(action: "postpone", in: "initialize")
                    }
                    postpone = true
                case .nextEvent(let inserting): inserted.append(inserting)
                case .hibernate: break
                case .eventTimeout(let time, let content): setEventTimeout(time, content)
                case .stateTimeout(let time, let content): armStateTimeout(time, content)
                case .timeout(let name, let time, let content): armTimeout(name, time, content)
                case .cancelStateTimeout: disarmStateTimeout()
                case .cancelTimeout(let name): disarmTimeout(name)
                }
            }
        }
        return (changed, postpone, inserted)
    }

    /// Queues what a transition left: on a state change, the postponed events (retried first,
    /// in the order they came); before them, the inserted events.
    @inlinable
    mutating func requeue(_ step: (changed: Bool, postpone: Bool, inserted: [Event])) {
        if step.changed, !postponed.isEmpty {
            queue.insert(contentsOf: postponed, at: 0)
            postponed.removeAll()
        }
        if !step.inserted.isEmpty { queue.insert(contentsOf: step.inserted, at: 0) }
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
                case .hibernate: break
                case .eventTimeout(let time, let content): setEventTimeout(time, content)
                case .stateTimeout(let time, let content): armStateTimeout(time, content)
                case .timeout(let name, let time, let content): armTimeout(name, time, content)
                case .cancelStateTimeout: disarmStateTimeout()
                case .cancelTimeout(let name): disarmTimeout(name)
                }
            }
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

    /// Sets the event timeout (any running one is cancelled first); `.infinity` only cancels.
    @inlinable
    mutating func setEventTimeout(_ time: CallTimeout, _ content: Machine.TimeoutContent) {
        cancelEventTimeout()
        guard let timer = arm(.event, time, .eventTimeout(content)) else { return }
        if timer.timer == nil {
            // A zero time: queued in `zeroQueue` already, removed from there if cancelled.
            return
        }
        eventTimer = timer
        eventTimeoutContent = content
    }

    /// (Re)starts the state timeout; `.infinity` only cancels it.
    @inlinable
    mutating func armStateTimeout(_ time: CallTimeout, _ content: Machine.TimeoutContent) {
        disarmStateTimeout()
        guard let timer = arm(.state, time, .stateTimeout(content)) else { return }
        stateTimer = timer
        stateTimeoutContent = content
    }

    /// (Re)starts the generic timeout `name`; `.infinity` only cancels it.
    @inlinable
    mutating func armTimeout(_ name: Machine.TimeoutName, _ time: CallTimeout, _ content: Machine.TimeoutContent) {
        disarmTimeout(name)
        guard let timer = arm(.named(name), time, .timeout(name, content)) else { return }
        namedTimers[name] = (timer, content)
    }

    /// Starts a timer (or, for a zero time, queues `event` in `zeroQueue` at once) for `slot`;
    /// `nil` for `.infinity`.
    @inlinable
    mutating func arm(_ slot: Slot, _ time: CallTimeout, _ event: @autoclosure () -> Event) -> GenStatemArmedTimer? {
        guard case .after(let duration) = time else { return nil }
        generation &+= 1
        if duration <= .zero {
            zeroQueue.append((slot, event()))
            return GenStatemArmedTimer(generation: generation, timer: nil)
        }
        let timer = context.process.sendAfter(duration, GenStatemTimerFired(generation: generation), to: context.pid)
        return GenStatemArmedTimer(generation: generation, timer: timer)
    }

    /// Cancels the state timeout, wherever it waits.
    @inlinable
    mutating func disarmStateTimeout() {
        guard let armed = stateTimer else { return }
        clearStateTimeout()
        if let timer = armed.timer {
            context.process.cancelTimer(timer)
        } else {
            zeroQueue.removeAll { if case .state = $0.slot { true } else { false } }
        }
    }

    /// Cancels the generic timeout `name`, wherever it waits.
    @inlinable
    mutating func disarmTimeout(_ name: Machine.TimeoutName) {
        guard let (armed, _) = namedTimers.removeValue(forKey: name) else { return }
        if let timer = armed.timer {
            context.process.cancelTimer(timer)
        } else {
            zeroQueue.removeAll { $0.slot == .named(name) }
        }
    }

    @inlinable
    mutating func clearStateTimeout() {
        stateTimer = nil
        stateTimeoutContent = nil
    }

    @inlinable
    mutating func clearEventTimeout() {
        eventTimer = nil
        eventTimeoutContent = nil
    }

    @inlinable
    mutating func cancelEventTimeout() {
        if let armed = eventTimer {
            clearEventTimeout()
            if let timer = armed.timer { context.process.cancelTimer(timer) }
        }
        if !zeroQueue.isEmpty { zeroQueue.removeAll { $0.slot == .event } }
    }

    /// Cancels the event timeout when `event`, from the mailbox, is not its own expiry.
    @inlinable
    mutating func cancelEventTimeout(unless event: Event) {
        if case .eventTimeout = event { return }
        if eventTimer != nil { cancelEventTimeout() }
    }

    /// The event of the live timer with `generation`, which stops being armed; `nil` for a
    /// stale timer message.
    @inlinable
    mutating func takeTimeout(generation: UInt64) -> Event? {
        if let armed = eventTimer, armed.generation == generation, let content = eventTimeoutContent {
            clearEventTimeout()
            return .eventTimeout(content)
        }
        if let armed = stateTimer, armed.generation == generation, let content = stateTimeoutContent {
            clearStateTimeout()
            return .stateTimeout(content)
        }
        guard let (name, timer) = namedTimers.first(where: { $0.value.armed.generation == generation }) else {
            return nil
        }
        namedTimers[name] = nil
        return .timeout(name, timer.content)
    }
}
