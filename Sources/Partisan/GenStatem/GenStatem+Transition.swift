/// An event a machine handles: OTP's `event_type()` with its content.
public enum GenStatemEvent<Machine: GenStatem>: Sendable {
    /// A call (``GenStatemRef/call(_:timeout:)``): answer with the `.reply` action, now or from
    /// a later event, or with ``CallerRef/reply(_:)`` from any process.
    case call(Machine.Call, from: CallerRef<Machine.Reply>)
    /// A cast (``GenStatemRef/cast(_:)``).
    case cast(Machine.Cast)
    /// Any other message: plain sends, `DownMessage`, `ExitMessage` when trapping exits.
    case info(any Sendable)
    /// An event the machine inserted with `.nextEvent(.internal(...))`.
    case `internal`(Machine.Internal)
    /// The event timeout expired: no event came in time.
    case eventTimeout(Machine.TimeoutContent)
    /// The state timeout expired: the machine stayed in the state that long.
    case stateTimeout(Machine.TimeoutContent)
    /// The generic timeout with this name expired.
    case timeout(Machine.TimeoutName, Machine.TimeoutContent)
}

/// Something a machine asks for besides the transition: OTP's `action()`.
///
/// Actions run in the order given. Replies are sent at once; timeouts are set after the state
/// change, so a state timeout set in a transition is the new state's.
public struct GenStatemAction<Machine: GenStatem>: Sendable {
    @usableFromInline
    enum Kind: Sendable {
        case reply(CallerRef<Machine.Reply>, Machine.Reply)
        case postpone
        case nextEvent(GenStatemEvent<Machine>)
        case hibernate
        case eventTimeout(CallTimeout, Machine.TimeoutContent)
        case stateTimeout(CallTimeout, Machine.TimeoutContent)
        case timeout(Machine.TimeoutName, CallTimeout, Machine.TimeoutContent)
        case cancelStateTimeout
        case cancelTimeout(Machine.TimeoutName)
    }
    @usableFromInline let kind: Kind

    @usableFromInline
    init(kind: Kind) { self.kind = kind }

    /// Answers the call `from` with `value` (OTP's `{reply, From, Reply}`).
    public static func reply(_ from: CallerRef<Machine.Reply>, _ value: Machine.Reply) -> Self {
        Self(kind: .reply(from, value))
    }
    /// Retries the current event after the next state change (OTP's `postpone`). Not allowed
    /// in `initialize` and state enter calls.
    public static var postpone: Self { Self(kind: .postpone) }
    /// Handles `event` next, before queued events (OTP's `{next_event, Type, Content}`). Not
    /// allowed in state enter calls.
    public static func nextEvent(_ event: GenStatemEvent<Machine>) -> Self { Self(kind: .nextEvent(event)) }
    /// Accepted for compatibility with `gen_statem`; a waiting process is already small.
    public static var hibernate: Self { Self(kind: .hibernate) }
    /// Delivers `.eventTimeout(content)` unless another event comes first (OTP's
    /// `{timeout, Time, Content}`). `.infinity` sets no timeout.
    public static func eventTimeout(_ time: CallTimeout, _ content: Machine.TimeoutContent) -> Self {
        Self(kind: .eventTimeout(time, content))
    }
    /// Delivers `.stateTimeout(content)` unless the state changes first (OTP's
    /// `{state_timeout, Time, Content}`); restarts a running one; `.infinity` cancels it.
    public static func stateTimeout(_ time: CallTimeout, _ content: Machine.TimeoutContent) -> Self {
        Self(kind: .stateTimeout(time, content))
    }
    /// Delivers `.timeout(name, content)` after `time` whatever happens meanwhile (OTP's
    /// `{{timeout, Name}, Time, Content}`); restarts a running one of that name; `.infinity`
    /// cancels it.
    public static func timeout(_ name: Machine.TimeoutName, _ time: CallTimeout, _ content: Machine.TimeoutContent)
        -> Self
    {
        Self(kind: .timeout(name, time, content))
    }
    /// Cancels the state timeout (OTP's `{state_timeout, cancel}`).
    public static var cancelStateTimeout: Self { Self(kind: .cancelStateTimeout) }
    /// Cancels the generic timeout `name` (OTP's `{{timeout, Name}, cancel}`).
    public static func cancelTimeout(_ name: Machine.TimeoutName) -> Self { Self(kind: .cancelTimeout(name)) }

    @usableFromInline
    var name: String {
        switch kind {
        case .reply: "reply"
        case .postpone: "postpone"
        case .nextEvent: "nextEvent"
        case .hibernate: "hibernate"
        case .eventTimeout: "eventTimeout"
        case .stateTimeout: "stateTimeout"
        case .timeout: "timeout"
        case .cancelStateTimeout: "cancelStateTimeout"
        case .cancelTimeout: "cancelTimeout"
        }
    }
}

extension GenStatemAction where Machine.TimeoutContent == Void {
    /// An event timeout without content.
    public static func eventTimeout(_ time: CallTimeout) -> Self { eventTimeout(time, ()) }
    /// A state timeout without content.
    public static func stateTimeout(_ time: CallTimeout) -> Self { stateTimeout(time, ()) }
    /// A generic timeout without content.
    public static func timeout(_ name: Machine.TimeoutName, _ time: CallTimeout) -> Self { timeout(name, time, ()) }
}

/// What ``GenStatem/handleEvent(_:state:data:context:)`` returns: OTP's
/// `event_handler_result()`. The data is the `inout` parameter, so there is no separate
/// "keep data" form.
public struct GenStatemTransition<Machine: GenStatem>: Sendable {
    @usableFromInline
    enum Kind: Sendable {
        case next(Machine.State, [GenStatemAction<Machine>])
        case keep([GenStatemAction<Machine>])
        case `repeat`([GenStatemAction<Machine>])
        case stop(ExitReason, replies: [GenStatemAction<Machine>])
    }
    @usableFromInline let kind: Kind

    @usableFromInline
    init(kind: Kind) { self.kind = kind }

    /// Goes to `state`, then `actions` (OTP's `{next_state, State, Data, Actions}`). Going to
    /// the current state is not a state change (same as `.keepState`).
    public static func nextState(_ state: Machine.State, _ actions: GenStatemAction<Machine>...) -> Self {
        Self(kind: .next(state, actions))
    }
    /// ``nextState(_:_:)`` with an array of actions.
    public static func nextState(_ state: Machine.State, actions: [GenStatemAction<Machine>]) -> Self {
        Self(kind: .next(state, actions))
    }
    /// Stays in the state (OTP's `keep_state` / `keep_state_and_data`).
    public static func keepState(_ actions: GenStatemAction<Machine>...) -> Self { Self(kind: .keep(actions)) }
    /// ``keepState(_:)`` with an array of actions.
    public static func keepState(actions: [GenStatemAction<Machine>]) -> Self { Self(kind: .keep(actions)) }
    /// Stays in the state and runs the state enter call again (OTP's `repeat_state`);
    /// postponed events and the state timeout are left as they are.
    public static func repeatState(_ actions: GenStatemAction<Machine>...) -> Self { Self(kind: .repeat(actions)) }
    /// ``repeatState(_:)`` with an array of actions.
    public static func repeatState(actions: [GenStatemAction<Machine>]) -> Self { Self(kind: .repeat(actions)) }
    /// Stops with `reason` (OTP's `{stop, Reason}`): `terminate` runs, then the process exits.
    public static func stop(_ reason: ExitReason = .normal) -> Self { Self(kind: .stop(reason, replies: [])) }
    /// Sends `replies` (`.reply` actions), then stops (OTP's `{stop_and_reply, Reason, Replies}`).
    public static func stopAndReply(_ reason: ExitReason, _ replies: GenStatemAction<Machine>...) -> Self {
        Self(kind: .stop(reason, replies: replies))
    }
}

/// What ``GenStatem/enterState(_:from:data:context:)`` returns: OTP's
/// `state_enter_result()`. There is no `.nextState`: a state enter call cannot change state.
public struct GenStatemEnterResult<Machine: GenStatem>: Sendable {
    @usableFromInline
    enum Kind: Sendable {
        case keep([GenStatemAction<Machine>])
        case `repeat`([GenStatemAction<Machine>])
        case stop(ExitReason, replies: [GenStatemAction<Machine>])
    }
    @usableFromInline let kind: Kind

    @usableFromInline
    init(kind: Kind) { self.kind = kind }

    /// Stays in the entered state, then `actions` (replies and timeouts only).
    public static func keepState(_ actions: GenStatemAction<Machine>...) -> Self { Self(kind: .keep(actions)) }
    /// ``keepState(_:)`` with an array of actions.
    public static func keepState(actions: [GenStatemAction<Machine>]) -> Self { Self(kind: .keep(actions)) }
    /// Runs the state enter call again, after `actions`.
    public static func repeatState(_ actions: GenStatemAction<Machine>...) -> Self { Self(kind: .repeat(actions)) }
    /// ``repeatState(_:)`` with an array of actions.
    public static func repeatState(actions: [GenStatemAction<Machine>]) -> Self { Self(kind: .repeat(actions)) }
    /// Stops with `reason`.
    public static func stop(_ reason: ExitReason = .normal) -> Self { Self(kind: .stop(reason, replies: [])) }
    /// Sends `replies`, then stops.
    public static func stopAndReply(_ reason: ExitReason, _ replies: GenStatemAction<Machine>...) -> Self {
        Self(kind: .stop(reason, replies: replies))
    }
}

/// What ``GenStatem/initialize(context:)`` returns: OTP's `init_result()`.
public struct GenStatemInitResult<Machine: GenStatem>: Sendable {
    @usableFromInline
    enum Kind: Sendable {
        case ok(Machine.State, Machine.Data, [GenStatemAction<Machine>])
        case ignore
        case stop(ExitReason)
    }
    @usableFromInline let kind: Kind

    @usableFromInline
    init(kind: Kind) { self.kind = kind }

    /// Starts in `state` with `data`, then `actions` (OTP's `{ok, State, Data, Actions}`);
    /// `.postpone` is not allowed here.
    public static func ok(_ state: Machine.State, _ data: Machine.Data, _ actions: GenStatemAction<Machine>...)
        -> Self
    {
        Self(kind: .ok(state, data, actions))
    }
    /// Don't run: `start` throws ``GenServerStartError/ignored`` and the process exits `normal`.
    public static var ignore: Self { Self(kind: .ignore) }
    /// Don't run: `start` throws ``GenServerStartError/failed(_:)`` and the process exits with
    /// `reason`.
    public static func stop(_ reason: ExitReason) -> Self { Self(kind: .stop(reason)) }
}
