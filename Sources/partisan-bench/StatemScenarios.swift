import Partisan

/// The scenarios of the ``GenStatem`` behaviour.
enum StatemScenarios {
    static let all: [Scenario] = [
        Scenario(name: "statem-events", run: statemEvents)
    ]

    /// A switch toggled by casts: each toggle is a state change, which cancels the state
    /// timeout of the old state and sets the new state's (one hour: it never fires in a run).
    struct Toggle: GenStatem {
        enum State: Hashable, Sendable { case on, off }
        typealias Data = Int
        enum Call: Sendable { case count }
        typealias Reply = Int
        enum Cast: Sendable { case flip }

        func initialize(context: GenStatemContext) async throws -> Initialization {
            .ok(.off, 0, .stateTimeout(.seconds(3600)))
        }

        func handleEvent(_ event: Event, state: State, data: inout Int, context: GenStatemContext) async throws
            -> Transition
        {
            switch event {
            case .cast(.flip):
                data += 1
                return .nextState(state == .on ? .off : .on, .stateTimeout(.seconds(3600)))
            case .call(.count, let from):
                return .keepState(.reply(from, data))
            default:
                return .keepState()
            }
        }
    }

    /// Events per second: `count` casts, then a call that returns how many were handled.
    static func statemEvents(_ settings: BenchSettings) async throws -> BenchResult {
        let rates = try await repeatRate(settings, name: "statem-events", warmupCount: 100_000) { count in
            try await settings.runtime().withProcess { me in
                let machine = try await me.startGenStatem(Toggle())
                let clock = ContinuousClock()
                let start = clock.now
                for _ in 0..<count { machine.cast(.flip) }
                let handled = try await machine.call(.count, timeout: .infinity)
                let elapsed = clock.now - start
                precondition(handled == count, "the machine lost events")
                try await machine.stop()
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
        }
        return BenchResult(
            scenario: "statem-events", value: Stats(rates).median, unit: "events/s",
            details: [("runs", .numbers(rates))])
    }
}
