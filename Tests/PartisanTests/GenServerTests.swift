import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// A counter, the README's example server.
struct Counter: GenServer {
    enum Call: Sendable {
        case get
        case add(Int)
        case crash
        case sleep(Duration)
        case later, hasDeferred
    }
    enum Cast: Sendable { case reset, crash }
    var count = 0
    var deferred: CallerRef<Int>?

    mutating func handleCall(_ request: Call, from: CallerRef<Int>, context: GenServerContext) async throws
        -> CallResult<Int, Never>
    {
        switch request {
        case .get: return .reply(count)
        case .add(let n):
            count += n
            return .reply(count)
        case .crash: throw CounterFailure()
        case .sleep(let duration):
            try await Task.sleep(for: duration)
            return .reply(count)
        case .later:
            deferred = from
            return .noreply()
        case .hasDeferred:
            return .reply(deferred == nil ? 0 : 1)
        }
    }

    mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<Never> {
        switch request {
        case .reset:
            count = 0
            deferred?.reply(-1)
            return .noreply()
        case .crash: throw CounterFailure()
        }
    }
}

struct CounterFailure: Error, CustomStringConvertible {
    var description: String { "counter failure" }
}

@Suite struct GenServerTests {
    let node: PartisanNode

    init() async throws {
        node = try await PartisanNode.start(name: "gs@127.0.0.1")
    }

    @Test func calls_and_casts_reach_the_server_in_order() async throws {
        let counter = try await node.startGenServer(Counter())
        #expect(try await counter.call(.add(2)) == 2)
        counter.cast(.reset)
        #expect(try await counter.call(.add(5)) == 5)
        #expect(try await counter.call(.get) == 5)
        try await counter.stop()
    }

    @Test func a_call_from_inside_a_process_uses_its_mailbox_and_leaves_nothing_behind() async throws {
        let counter = try await node.startGenServer(Counter(), name: "inside")
        let (value, mailbox) = try await node.withProcess { me in
            (try await counter.call(.add(1)), me.mailboxCount)
        }
        #expect(value == 1)
        #expect(mailbox == 0)
        try await counter.stop()
    }

    @Test func a_call_to_a_dead_server_fails_with_noproc() async throws {
        let counter = try await node.startGenServer(Counter())
        try await counter.stop()
        await #expect(throws: GenServerError.noproc) { try await counter.call(.get) }
        let unknown = node.genServer(Counter.self, named: "nobody")
        await #expect(throws: GenServerError.noproc) { try await unknown.call(.get) }
    }

    @Test func a_crash_during_the_call_gives_exit_with_the_crash() async throws {
        let counter = try await node.startGenServer(Counter())
        await #expect(throws: GenServerError.exit(.crashed(ProcessCrash(CounterFailure())))) {
            try await counter.call(.crash)
        }
        #expect(counter.pid.map(node.runtime.isAlive) == false)
    }

    @Test func a_timeout_gives_timeout_and_the_late_reply_never_reaches_the_caller() async throws {
        let counter = try await node.startGenServer(Counter())
        let leftovers: Int = try await node.withProcess { me in
            await #expect(throws: GenServerError.timeout) {
                try await counter.call(.sleep(.milliseconds(200)), timeout: .milliseconds(20))
            }
            // The server answers after the caller gave up; the answer must be dropped.
            _ = try await counter.call(.get, timeout: .seconds(10))
            return me.mailboxCount
        }
        #expect(leftovers == 0)
        try await counter.stop()
    }

    @Test func noreply_and_a_deferred_reply_from_elsewhere() async throws {
        let counter = try await node.startGenServer(Counter())
        async let answer = counter.call(.later)
        try await eventually { try await counter.call(.hasDeferred) == 1 }
        counter.cast(.reset)  // replies -1 to the deferred caller
        #expect(try await answer == -1)
        try await counter.stop()
    }

    @Test func infinity_timeout_waits() async throws {
        let counter = try await node.startGenServer(Counter())
        #expect(try await counter.call(.sleep(.milliseconds(30)), timeout: .infinity) == 0)
        try await counter.stop()
    }
}
