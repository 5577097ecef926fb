import Partisan
import PartisanTestSupport
import Testing

/// A server that calls itself from inside a handler, by pid or by its registered name.
struct SelfCaller: GenServer {
    enum Call: Sendable {
        case ping
        case callSelf(byName: String?)
    }
    /// Whether the inner call failed at once with `callingSelf`.
    typealias Reply = Bool

    mutating func handleCall(_ request: Call, from: CallerRef<Bool>, context: GenServerContext) async throws
        -> CallResult<Bool, Never>
    {
        switch request {
        case .ping: return .reply(true)
        case .callSelf(let name):
            let runtime = context.process.runtime
            let me =
                name.map { GenServerRef<SelfCaller>(name: $0, on: runtime) }
                ?? GenServerRef<SelfCaller>(pid: context.pid, on: runtime)
            do {
                _ = try await me.call(.ping, timeout: .seconds(30))
                return .reply(false)
            } catch {
                return .reply(error == .callingSelf)
            }
        }
    }
}

/// Two of OTP's rules that acceptance testing found broken: a server calling itself fails at
/// once (`calling_self`), and a start that fails gives its name up before it reports.
@Suite struct GenServerSelfCallTests {
    let node: PartisanNode

    init() async throws {
        node = try await PartisanNode.start(name: "gsself@127.0.0.1")
    }

    @Test func a_server_that_calls_itself_fails_at_once_with_calling_self() async throws {
        let server = try await node.startGenServer(SelfCaller(), name: "self-caller")
        // Each inner call would wait 30 s; the outer ones give up after 10.
        #expect(try await server.call(.callSelf(byName: nil), timeout: .seconds(10)))
        #expect(try await server.call(.callSelf(byName: "self-caller"), timeout: .seconds(10)))
        // A process calling a server that is not itself is not refused.
        #expect(try await server.call(.ping))
        #expect(GenServerError.callingSelf.description.contains("cannot call itself"))
        try await server.stop()
    }

    @Test func a_start_that_fails_gives_its_name_up_before_it_reports() async throws {
        try await node.withProcess { me in
            for round in 0..<50 {
                let name = "retried-\(round)"
                for start in [LifecycleProbe.Init.stop, .ignore, .crash] {
                    await #expect(throws: GenServerStartError.self) {
                        try await me.startGenServer(LifecycleProbe(observer: me.pid, start: start), name: name)
                    }
                    // Free when the failure is reported, not only once the process is gone.
                    #expect(node.whereis(name) == nil, "\(name) still held after a \(start) start")
                }
                let server = try await me.startGenServer(LifecycleProbe(observer: me.pid, start: .ok), name: name)
                try await server.stop()
            }
        }
    }
}
