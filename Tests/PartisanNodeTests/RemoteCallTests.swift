import Partisan
import PartisanTestSupport
import Testing

/// A store whose calls cross nodes.
struct RemoteStore: GenServer {
    enum Call: Codable, Sendable {
        case get
        case put(Int)
        case crash
        case ignore
    }
    enum Cast: Codable, Sendable { case add(Int) }
    struct Failure: Error, CustomStringConvertible {
        var description: String { "store failure" }
    }
    var value = 0

    mutating func handleCall(_ request: Call, from: CallerRef<Int>, context: GenServerContext) async throws
        -> CallResult<Int, Never>
    {
        switch request {
        case .get: return .reply(value)
        case .put(let new):
            value = new
            return .reply(value)
        case .crash: throw Failure()
        case .ignore: return .noreply()
        }
    }

    mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<Never> {
        if case .add(let n) = request { value += n }
        return .noreply()
    }
}

@Suite struct RemoteCallTests {
    /// Starts the store on `server`'s node and returns a reference to it usable on `client`.
    func startStore(on server: PartisanNode, for client: PartisanNode) async throws -> GenServerRef<RemoteStore> {
        server.registerMessageTypes(of: RemoteStore.self)
        client.registerMessageTypes(of: RemoteStore.self)
        let local = try await server.runtime.startGenServer(RemoteStore())
        return GenServerRef(pid: local.pid!, on: client.runtime)
    }

    @Test func a_call_across_nodes_gets_the_reply() async throws {
        try await withConnectedNodes(2) { nodes in
            let store = try await startStore(on: nodes[1], for: nodes[0])
            #expect(try await store.call(.put(41)) == 41)
            store.cast(.add(1))
            #expect(try await store.call(.get) == 42)
        }
    }

    @Test func a_call_to_a_dead_remote_pid_fails_with_noproc() async throws {
        try await withConnectedNodes(2) { nodes in
            let store = try await startStore(on: nodes[1], for: nodes[0])
            try await store.stop()
            await #expect(throws: GenServerError.noproc) { try await store.call(.get) }
        }
    }

    @Test func a_remote_crash_during_a_call_fails_with_its_reason() async throws {
        try await withConnectedNodes(2) { nodes in
            let store = try await startStore(on: nodes[1], for: nodes[0])
            let crash = ProcessCrash(RemoteStore.Failure())
            await #expect(throws: GenServerError.exit(.crashed(crash))) { try await store.call(.crash) }
        }
    }

    @Test func a_remote_call_without_reply_times_out() async throws {
        try await withConnectedNodes(2) { nodes in
            let store = try await startStore(on: nodes[1], for: nodes[0])
            await #expect(throws: GenServerError.timeout) { try await store.call(.ignore, timeout: .milliseconds(200)) }
            #expect(try await store.call(.get) == 0)
        }
    }

    @Test func stop_across_nodes_runs_and_waits_for_the_exit() async throws {
        try await withConnectedNodes(2) { nodes in
            let store = try await startStore(on: nodes[1], for: nodes[0])
            let pid = store.pid!
            try await store.stop(.shutdown, timeout: .seconds(10))
            #expect(!nodes[1].runtime.isAlive(pid))
        }
    }
}
