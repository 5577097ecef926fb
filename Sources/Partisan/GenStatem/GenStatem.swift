/// A state machine process: Erlang's `gen_statem`.
///
/// The conforming type is the callback module: it holds configuration (for example the code
/// of a lock) and never changes. The machine's *state* (``State``, any `Hashable` value, often
/// an enum) and its *data* (``Data``, everything else the machine keeps) are separate values
/// that the runtime keeps in the machine's process, as in OTP.
///
/// ## Callback modes
///
/// OTP's two callback modes differ only in how a handler is found. `handle_event_function` is
/// ``handleEvent(_:state:data:context:)`` itself: one function for every `(state, event)`.
/// `state_functions` (one function per state) is written as a `switch state` in
/// `handleEvent` that calls one method per state: Swift has no dispatch by name, and a switch
/// over an enum is checked for exhaustiveness. State enter calls are OTP's `state_enter`
/// flag: set ``stateEnter`` to `true` and implement
/// ``enterState(_:from:data:context:)``.
///
/// ## The callback contract
///
/// All callbacks run in the machine's own process, one at a time.
///
/// - ``initialize(context:)`` runs before `start` returns: `.ok(state, data, actions...)`,
///   `.ignore` or `.stop(reason)`; throwing fails the start with the crash.
/// - ``handleEvent(_:state:data:context:)`` handles every event (``GenStatemEvent``): calls,
///   casts, other messages (`info`), inserted events, and the three kinds of timeout. It may
///   change `data` and returns a ``GenStatemTransition``: `.nextState`, `.keepState`,
///   `.repeatState`, `.stop`, `.stopAndReply`, each with ``GenStatemAction``s.
/// - ``enterState(_:from:data:context:)`` (when ``stateEnter`` is `true`) runs after every
///   state change, for the initial state (with `from` equal to the state), and again after
///   `.repeatState`. It may change data, reply and set timeouts, but cannot change state
///   (its result type has no `.nextState`); `.postpone` and `.nextEvent` there crash the
///   machine, as in OTP.
/// - ``terminate(reason:state:data:context:)`` runs when the machine stops: a `.stop` result,
///   a thrown error (reason `.crashed`), ``GenStatemRef/stop(_:timeout:)``, or an exit signal
///   from its parent while it traps exits; not when it is killed by a signal it does not trap.
///
/// ## Event processing rules (OTP's)
///
/// - A *postponed* event is retried after the next state change, postponed events in the
///   order they arrived, before any other queued event.
/// - Events inserted with `.nextEvent` are handled next, before postponed and queued events,
///   in the order of the actions.
/// - An *event timeout* is cancelled by any event; a *state timeout* by a state change (not
///   by `.keepState` or `.repeatState`); *generic timeouts* (any number, by name) only by
///   `.cancelTimeout`, by setting them to `.infinity`, or restarted by setting them again.
/// - A timeout with time zero is delivered after the events already queued in the machine
///   (inserted and postponed ones) and before any message still in the mailbox.
public protocol GenStatem: Sendable {
    /// The machine's state: compared to detect state changes.
    associatedtype State: Hashable & Sendable
    /// The machine's data: everything it keeps besides the state.
    associatedtype Data: Sendable
    /// The requests ``GenStatemRef/call(_:timeout:)`` sends.
    associatedtype Call: Sendable = Never
    /// The answer to a call.
    associatedtype Reply: Sendable = Never
    /// The requests ``GenStatemRef/cast(_:)`` sends.
    associatedtype Cast: Sendable = Never
    /// The content of events the machine inserts with `.nextEvent(.internal(...))`.
    associatedtype Internal: Sendable = Never
    /// The content timeouts carry back to the machine.
    associatedtype TimeoutContent: Sendable = Void
    /// The names of generic timeouts.
    associatedtype TimeoutName: Hashable & Sendable = String

    /// An event for this machine.
    typealias Event = GenStatemEvent<Self>
    /// An action for this machine.
    typealias Action = GenStatemAction<Self>
    /// What ``handleEvent(_:state:data:context:)`` returns.
    typealias Transition = GenStatemTransition<Self>
    /// What ``enterState(_:from:data:context:)`` returns.
    typealias EnterResult = GenStatemEnterResult<Self>
    /// What ``initialize(context:)`` returns (not `InitResult`, which is ``GenServer``'s).
    typealias Initialization = GenStatemInitResult<Self>

    /// Whether ``enterState(_:from:data:context:)`` runs on state changes (OTP's
    /// `state_enter` in `callback_mode/0`). Default `false`.
    static var stateEnter: Bool { get }

    /// Chooses the initial state and data in the machine's process; `start` waits for it.
    func initialize(context: GenStatemContext) async throws -> Initialization

    /// Handles one event in `state`.
    func handleEvent(_ event: Event, state: State, data: inout Data, context: GenStatemContext) async throws
        -> Transition

    /// Runs on entering `state` (from `oldState`) when ``stateEnter`` is `true`.
    func enterState(_ state: State, from oldState: State, data: inout Data, context: GenStatemContext)
        async throws -> EnterResult

    /// Cleans up when the machine stops (not when it is killed by an untrapped signal).
    func terminate(reason: ExitReason, state: State, data: Data, context: GenStatemContext) async
}

extension GenStatem {
    /// Default: no state enter calls.
    public static var stateEnter: Bool { false }

    /// Default: keep the state.
    public func enterState(_ state: State, from oldState: State, data: inout Data, context: GenStatemContext)
        async throws -> EnterResult
    {
        .keepState()
    }

    /// Default: nothing to clean up.
    public func terminate(reason: ExitReason, state: State, data: Data, context: GenStatemContext) async {}
}
