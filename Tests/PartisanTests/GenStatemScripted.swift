import Partisan

/// Whether a ``Scripted`` machine has state enter calls.
protocol EnterMode: Sendable { static var enabled: Bool { get } }
enum WithoutEnter: EnterMode { static var enabled: Bool { false } }
enum WithEnter: EnterMode { static var enabled: Bool { true } }

/// What a ``Scripted`` machine does with an event: its label goes into the log, then its steps
/// run if the machine is in `state` (or always when `state` is `nil`), `otherwise` if not.
struct Script: Sendable {
    enum Step: Sendable {
        case go(ScriptState)
        case repeatState
        case postpone
        case insert(Script)
        case eventTimeout(Duration?, String)
        case stateTimeout(Duration?, String)
        case timeout(String, Duration?, String)
        case cancelTimeout(String)
        case cancelStateTimeout
        /// Sends a plain message to itself now: it is in the mailbox before the transition ends.
        case sendSelf(String)
        case stop(ExitReason)
        case stopAndReplyLog(ExitReason)
        case crash
        /// Keeps a call's caller to answer later (from a state enter call).
        case savePending
        case replyLog
    }
    let label: String
    let steps: [Step]
    let state: ScriptState?
    let otherwise: [Step]

    init(_ label: String, _ steps: [Step] = [], in state: ScriptState? = nil, otherwise: [Step] = []) {
        self.label = label
        self.steps = steps
        self.state = state
        self.otherwise = otherwise
    }
}

enum ScriptState: String, Hashable, Sendable { case a, b, c }

struct ScriptFailure: Error, CustomStringConvertible {
    var description: String { "scripted failure" }
}

/// What a ``Scripted`` machine's `terminate` reports to its observer.
struct Terminated: Sendable {
    let reason: ExitReason
    let state: ScriptState
    let log: [String]
}

/// A test machine driven by the events themselves: each event carries the transition and
/// actions it asks for, and the machine logs every event it handles, so a test states the
/// events it sends and the log OTP's rules imply.
struct Scripted<Mode: EnterMode>: GenStatem {
    typealias State = ScriptState
    struct Data: Sendable {
        var log: [String] = []
        var pending: CallerRef<[String]>?
        var repeats = 0
    }
    enum Call: Sendable {
        case log
        case run(Script)
    }
    typealias Reply = [String]
    typealias Cast = Script
    typealias Internal = Script
    typealias TimeoutContent = String

    static var stateEnter: Bool { Mode.enabled }

    /// Where `terminate` reports.
    var observer: Pid?
    /// What the state enter call does, per entered state.
    var onEnter: [ScriptState: [Script.Step]] = [:]

    func initialize(context: GenStatemContext) async throws -> Initialization {
        .ok(.a, Data())
    }

    func handleEvent(_ event: Event, state: State, data: inout Data, context: GenStatemContext) async throws
        -> Transition
    {
        let script: Script
        var from: CallerRef<[String]>?
        switch event {
        case .call(.log, let caller):
            return .keepState(.reply(caller, data.log))
        case .call(.run(let s), let caller):
            script = s
            from = caller
        case .cast(let s), .internal(let s):
            script = s
        case .info(let message):
            data.log.append("info:\(message)@\(state)")
            return .keepState()
        case .eventTimeout(let content):
            data.log.append("et:\(content)@\(state)")
            return .keepState()
        case .stateTimeout(let content):
            data.log.append("st:\(content)@\(state)")
            return .keepState()
        case .timeout(let name, let content):
            data.log.append("to:\(name):\(content)@\(state)")
            // The generic timeout "end" stops the machine: its log goes to the observer.
            return name == "end" ? .stop(.normal) : .keepState()
        }
        data.log.append("\(script.label)@\(state)")
        let steps = script.state == nil || script.state == state ? script.steps : script.otherwise
        var next = state
        var repeating = false
        var actions: [Action] = []
        for step in steps {
            switch step {
            case .go(let target): next = target
            case .repeatState: repeating = true
            case .postpone: actions.append(.postpone)
            case .insert(let inserted): actions.append(.nextEvent(.internal(inserted)))
            case .eventTimeout(let time, let content): actions.append(.eventTimeout(Self.time(time), content))
            case .stateTimeout(let time, let content): actions.append(.stateTimeout(Self.time(time), content))
            case .timeout(let name, let time, let content): actions.append(.timeout(name, Self.time(time), content))
            case .cancelTimeout(let name): actions.append(.cancelTimeout(name))
            case .cancelStateTimeout: actions.append(.cancelStateTimeout)
            case .sendSelf(let text): context.process.send(text, to: context.pid)
            case .stop(let reason): return .stop(reason)
            case .stopAndReplyLog(let reason): return .stopAndReply(reason, .reply(from!, data.log))
            case .crash: throw ScriptFailure()
            case .savePending: data.pending = from
            case .replyLog: actions.append(.reply(from!, data.log))
            }
        }
        if repeating { return .repeatState(actions: actions) }
        return .nextState(next, actions: actions)
    }

    func enterState(_ state: State, from oldState: State, data: inout Data, context: GenStatemContext) async throws
        -> EnterResult
    {
        data.log.append("enter:\(oldState)>\(state)")
        var actions: [Action] = []
        var repeating = false
        for step in onEnter[state] ?? [] {
            switch step {
            case .stateTimeout(let time, let content): actions.append(.stateTimeout(Self.time(time), content))
            case .timeout(let name, let time, let content): actions.append(.timeout(name, Self.time(time), content))
            case .replyLog:
                if let pending = data.pending { actions.append(.reply(pending, data.log)) }
                data.pending = nil
            case .postpone: actions.append(.postpone)
            case .insert(let inserted): actions.append(.nextEvent(.internal(inserted)))
            case .repeatState:
                if data.repeats == 0 { repeating = true }
                data.repeats += 1
            case .stop(let reason): return .stop(reason)
            default: break
            }
        }
        return repeating ? .repeatState(actions: actions) : .keepState(actions: actions)
    }

    func terminate(reason: ExitReason, state: State, data: Data, context: GenStatemContext) async {
        if let observer { context.process.send(Terminated(reason: reason, state: state, log: data.log), to: observer) }
    }

    private static func time(_ duration: Duration?) -> CallTimeout { duration.map { .after($0) } ?? .infinity }
}

typealias Plain = Scripted<WithoutEnter>
typealias Entering = Scripted<WithEnter>
