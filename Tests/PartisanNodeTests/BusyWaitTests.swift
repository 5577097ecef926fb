import Partisan
import PartisanDistribution
import PartisanTestSupport
import Testing

/// ``TransportConfiguration/busyWait``: event loops that poll for a while after each read
/// still carry every call and message, and go back to sleep.
@Suite struct BusyWaitTests {
    @Test func nodes_whose_loops_busy_wait_carry_calls_and_sends() async throws {
        let cookie: Cookie = "busy wait"
        let server = try await startNode("busy-s@127.0.0.1", cookie: cookie) {
            $0.transport.busyWait = .microseconds(200)
        }
        let client = try await startNode("busy-c@127.0.0.1", cookie: cookie) {
            $0.transport.busyWait = .microseconds(200)
        }
        defer {
            Task {
                await client.shutdown()
                await server.shutdown()
            }
        }
        server.registerMessageTypes(of: RemoteStore.self)
        client.registerMessageTypes(of: RemoteStore.self)
        _ = try await server.startGenServer(RemoteStore(), name: "store")
        _ = try await client.connect(to: try #require(server.listenAddress))
        let store = client.genServer(RemoteStore.self, named: "store", on: server.name)
        // Generous timeouts: the test is about delivery, and the whole suite starting at once
        // can hold a 2-core machine for seconds.
        for value in 1...200 { #expect(try await store.call(.put(value), timeout: .seconds(30)) == value) }
        // Idle again: a call after every loop has stopped polling still wakes them.
        try await eventually { LoopBusyWait.polling == 0 }
        #expect(try await store.call(.get, timeout: .seconds(30)) == 200)
    }
}
