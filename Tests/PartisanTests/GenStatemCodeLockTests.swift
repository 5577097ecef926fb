import Partisan
import PartisanTestSupport
import Testing

// The code lock of Guides/GenStatem.md, kept here so the guide's example stays true.

/// OTP's code lock: buttons are pressed one at a time; the right code opens the door, which
/// locks itself again after `openTime`. Wrong buttons are forgotten after `buttonTimeout`
/// without a press.
struct CodeLock: GenStatem {
    enum State: Hashable, Sendable { case locked, open }
    struct Data: Sendable { var buttons: [Int] = [] }
    enum Cast: Sendable { case button(Int) }
    enum Call: Sendable { case codeLength }
    typealias Reply = Int
    enum Timeout: Sendable { case lock, forgetButtons }
    typealias TimeoutContent = Timeout

    let code: [Int]
    var openTime: Duration = .seconds(10)
    var buttonTimeout: Duration = .seconds(30)
    /// Drives the door: `true` unlocks, `false` locks.
    let door: @Sendable (_ unlocked: Bool) -> Void

    static var stateEnter: Bool { true }

    func initialize(context: GenStatemContext) async throws -> Initialization {
        .ok(.locked, Data())
    }

    func enterState(_ state: State, from oldState: State, data: inout Data, context: GenStatemContext)
        async throws -> EnterResult
    {
        switch state {
        case .locked:
            door(false)
            data.buttons = []
            return .keepState()
        case .open:
            door(true)
            return .keepState(.stateTimeout(.after(openTime), .lock))
        }
    }

    func handleEvent(_ event: Event, state: State, data: inout Data, context: GenStatemContext) async throws
        -> Transition
    {
        switch (state, event) {
        case (_, .call(.codeLength, let from)):
            return .keepState(.reply(from, code.count))
        case (.locked, .cast(.button(let button))):
            data.buttons = Array((data.buttons + [button]).suffix(code.count))
            if data.buttons == code { return .nextState(.open) }
            return .keepState(.eventTimeout(.after(buttonTimeout), .forgetButtons))
        case (.locked, .eventTimeout(.forgetButtons)):
            data.buttons = []
            return .keepState()
        case (.open, .stateTimeout(.lock)):
            return .nextState(.locked)
        case (.open, .cast(.button)):
            return .keepState(.postpone)  // pressed while open: counts once locked again
        default:
            return .keepState()
        }
    }
}

@Suite struct GenStatemCodeLockTests {
    /// What the door did, in order.
    struct DoorEvent: Sendable, Equatable { let unlocked: Bool }

    @Test func the_right_code_opens_the_door_and_the_state_timeout_locks_it_again() async throws {
        let node = try await PartisanNode.start(name: "codelock@127.0.0.1")
        try await node.withProcess { me in
            let observer = me.pid
            let runtime = node.runtime
            let lock = try await me.startGenStatem(
                CodeLock(code: [1, 2, 3], openTime: .milliseconds(20)) { unlocked in
                    runtime.send(DoorEvent(unlocked: unlocked), to: observer)
                }, name: "code_lock")
            #expect(try await me.receive(DoorEvent.self) == DoorEvent(unlocked: false))  // entering locked
            #expect(try await lock.call(.codeLength) == 3)
            for button in [9, 1, 2, 3] { lock.cast(.button(button)) }
            #expect(try await me.receive(DoorEvent.self) == DoorEvent(unlocked: true))
            #expect(try await me.receive(DoorEvent.self) == DoorEvent(unlocked: false))  // the state timeout
            try await lock.stop()
        }
    }

    @Test func buttons_pressed_while_open_count_once_locked_again() async throws {
        let node = try await PartisanNode.start(name: "codelock2@127.0.0.1")
        try await node.withProcess { me in
            let observer = me.pid
            let runtime = node.runtime
            let lock = try await me.startGenStatem(
                CodeLock(code: [4, 2], openTime: .milliseconds(20)) { unlocked in
                    runtime.send(DoorEvent(unlocked: unlocked), to: observer)
                })
            _ = try await me.receive(DoorEvent.self)
            for button in [4, 2, 4, 2] { lock.cast(.button(button)) }
            let doorEvents = [
                try await me.receive(DoorEvent.self), try await me.receive(DoorEvent.self),
                try await me.receive(DoorEvent.self), try await me.receive(DoorEvent.self),
            ]
            #expect(doorEvents.map(\.unlocked) == [true, false, true, false])
            try await lock.stop()
        }
    }
}
