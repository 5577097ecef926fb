import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// The examples of `Guides/RPC.md`, kept compiling and passing (node names made unique per
/// run).
@Suite struct RPCGuideTests {
    /// The guide's functions: declared once, where both nodes see them.
    enum KV {
        struct Put: Codable, Sendable {
            var key: String
            var value: Int
        }
        /// Stores a value; returns the previous one.
        static let put = RemoteFunction<Put, Int?>("kv.put")
        static let get = RemoteFunction<String, Int?>("kv.get")
    }

    @Test func the_quick_start_runs() async throws {
        let a = try await PartisanNode.start(name: "rpc-guide-a@127.0.0.1", cookie: "secret")
        let b = try await PartisanNode.start(name: "rpc-guide-b@127.0.0.1", cookie: "secret")
        try await a.connect(to: b.listenAddress!)

        // b exposes the functions; each call runs in a fresh process on b.
        let table = Mutex<[String: Int]>([:])
        b.registerFunction(KV.put) { put in table.withLock { $0.updateValue(put.value, forKey: put.key) } }
        b.registerFunction(KV.get) { key in table.withLock { $0[key] } }

        // a calls them: the result, or an RPCError to switch on.
        // The guide's calls, with timeouts generous enough for a loaded machine.
        _ = try await a.erpc.call(KV.put, on: b.name, .init(key: "answer", value: 42), timeout: .seconds(30))
        let answer = try await a.erpc.call(KV.get, on: b.name, "answer", timeout: .seconds(30))
        #expect(answer == 42)

        var missing: String?
        do {
            _ = try await a.erpc.call("kv.delete", on: b.name, "answer", returning: Bool.self, timeout: .seconds(30))
        } catch .undef(let name) {
            missing = name  // b has no such function
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(missing == "kv.delete")

        // The older rpc shape: failures come back as values.
        let result = await a.rpc.call(KV.get, on: "nowhere@127.0.0.1", "answer")
        #expect(result == .badRPC(.noconnection))

        // Built-in functions every node answers.
        let info = try await a.erpc.call(BuiltinFunctions.info, on: b.name, timeout: .seconds(30))
        #expect(info.name == "rpc-guide-b@127.0.0.1")

        await a.shutdown()
        await b.shutdown()
    }

    @Test func the_async_requests_example_runs() async throws {
        try await withConnectedNodes(3) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            for node in [b, c] { node.registerFunction(KV.get) { _ in 1 } }
            let total = try await a.withProcess { me in
                // Two requests in flight at once; the answers are matched by request id.
                let fromB = try a.erpc.sendRequest(KV.get, on: b.name, "x", from: me)
                let fromC = try a.erpc.sendRequest(KV.get, on: c.name, "x", from: me)
                let x = try await a.erpc.receiveResponse(fromB, timeout: .seconds(5)) ?? 0
                let y = try await a.erpc.receiveResponse(fromC, timeout: .seconds(5)) ?? 0
                return x + y
            }
            #expect(total == 2)
            let everywhere = await a.erpc.multiCall(KV.get, on: [b.name, c.name, a.name], "x")
            #expect(everywhere == [.success(1), .success(1), .failure(.undef("kv.get"))])
        }
    }
}
