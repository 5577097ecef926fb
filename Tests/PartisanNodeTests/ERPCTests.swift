import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// Functions the tests expose on a server node.
enum TestFunctions {
    struct Operands: Codable, Sendable {
        var a: Int
        var b: Int
    }
    struct Boom: Error, CustomStringConvertible {
        var description: String { "boom in the handler" }
    }

    static let add = RemoteFunction<Operands, Int>("test.add")
    static let echo = RemoteFunction<Int, Int>("test.echo")
    static let fail = RemoteFunction<NoArguments, Int>("test.fail")
    static let block = RemoteFunction<Int, Int>("test.block")
    /// The same name as `add`, called with arguments of another shape.
    static let addWithText = RemoteFunction<String, Int>("test.add")

    /// Registers the functions on `node`; `test.block` waits at `gate`, then echoes.
    static func register(
        on node: PartisanNode, gate: Gate = Gate(), started: @escaping @Sendable (Pid) -> Void = { _ in }
    ) {
        node.registerFunction(add) { $0.a + $0.b }
        node.registerFunction(echo) { $0 }
        node.registerFunction(fail) { _ in throw Boom() }
        node.registerFunction(block) { value in
            if let me = ProcessContext.current { started(me.pid) }
            await gate.wait()
            return value
        }
    }
}

@Suite struct ERPCTests {
    @Test func a_call_across_nodes_returns_the_function_result() async throws {
        try await withConnectedNodes(2) { nodes in
            TestFunctions.register(on: nodes[1])
            let sum = try await nodes[0].erpc.call(TestFunctions.add, on: nodes[1].name, .init(a: 40, b: 2))
            #expect(sum == 42)
            let byName = try await nodes[0].erpc.call("test.echo", on: nodes[1].name, 7, returning: Int.self)
            #expect(byName == 7)
        }
    }

    @Test func a_call_to_an_unknown_name_fails_with_undef() async throws {
        try await withConnectedNodes(2) { nodes in
            _ = await #expect(throws: RPCError.undef("no.such")) {
                try await nodes[0].erpc.call("no.such", on: nodes[1].name, 1, returning: Int.self)
            }
        }
    }

    @Test func arguments_of_another_shape_fail_with_bad_arguments_and_the_node_keeps_serving() async throws {
        try await withConnectedNodes(2) { nodes in
            TestFunctions.register(on: nodes[1])
            let error = await #expect(throws: RPCError.self) {
                try await nodes[0].erpc.call(TestFunctions.addWithText, on: nodes[1].name, "forty-two")
            }
            guard case .badArguments(let why) = error else {
                Issue.record("expected badArguments, got \(String(describing: error))")
                return
            }
            #expect(why.contains("test.add") && why.contains("Operands"))
            let echoed = try await nodes[0].erpc.call(TestFunctions.echo, on: nodes[1].name, 5)
            #expect(echoed == 5)
        }
    }

    @Test func a_function_that_throws_fails_with_its_error_type_and_description() async throws {
        try await withConnectedNodes(2) { nodes in
            TestFunctions.register(on: nodes[1])
            await #expect(
                throws: RPCError.exception(type: "PartisanNodeTests.TestFunctions.Boom", message: "boom in the handler")
            ) {
                try await nodes[0].erpc.call(TestFunctions.fail, on: nodes[1].name)
            }
        }
    }

    @Test func a_result_of_another_type_fails_with_bad_result() async throws {
        try await withConnectedNodes(2) { nodes in
            TestFunctions.register(on: nodes[1])
            let error = await #expect(throws: RPCError.self) {
                try await nodes[0].erpc.call("test.echo", on: nodes[1].name, 1, returning: String.self)
            }
            guard case .badResult = error else {
                Issue.record("expected badResult, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func a_call_whose_process_is_killed_fails_with_exit() async throws {
        try await withConnectedNodes(2) { nodes in
            let running = Mutex<[Pid]>([])
            TestFunctions.register(on: nodes[1]) { pid in running.withLock { $0.append(pid) } }
            let call = Task {
                try await nodes[0].erpc.call(TestFunctions.block, on: nodes[1].name, 1, timeout: .infinity)
            }
            try await eventually { running.withLock { !$0.isEmpty } }
            nodes[1].exit(running.withLock { $0[0] }, .kill)
            await #expect(throws: RPCError.exit(.killed)) { try await call.value }
        }
    }

    @Test func a_function_blocked_past_the_timeout_fails_with_timeout_and_its_late_answer_is_dropped() async throws {
        try await withConnectedNodes(2) { nodes in
            let gate = Gate()
            TestFunctions.register(on: nodes[1], gate: gate)
            try await nodes[0].withProcess { me in
                await #expect(throws: RPCError.timeout) {
                    try await nodes[0].erpc.call(TestFunctions.block, on: nodes[1].name, 1, timeout: .milliseconds(100))
                }
                gate.open()
                try await eventually { nodes[1].rpcService.runningCalls == 0 }
                // The late answer was sent; it must not reach the mailbox of the caller.
                #expect(try await nodes[0].erpc.call(TestFunctions.echo, on: nodes[1].name, 2) == 2)
                #expect(me.mailboxCount == 0)
                #expect(me.monitors.isEmpty)
            }
            #expect(nodes[0].rpcService.outstandingRequests == 0)
        }
    }

    @Test func a_node_lost_during_a_call_fails_it_with_noconnection_not_a_timeout() async throws {
        try await withConnectedNodes(2) { nodes in
            let gate = Gate()
            TestFunctions.register(on: nodes[1], gate: gate)
            let call = Task {
                try await nodes[0].erpc.call(TestFunctions.block, on: nodes[1].name, 1, timeout: .infinity)
            }
            try await eventually { gate.arrivals == 1 }
            await nodes[1].kill()
            await #expect(throws: RPCError.noconnection) { try await call.value }
            gate.open()
        }
    }

    @Test func a_call_to_a_node_that_is_not_connected_fails_with_noconnection() async throws {
        try await withConnectedNodes(1) { nodes in
            for index in 0..<100 {
                let absent = try Node(validating: "nowhere\(index)@127.0.0.1")
                await #expect(throws: RPCError.noconnection) {
                    try await nodes[0].erpc.call(TestFunctions.echo, on: absent, 1, timeout: .infinity)
                }
            }
            // Calls to nodes that are gone leave no watcher behind.
            try await eventually { nodes[0].rpcService.watchedNodes == 0 }
            #expect(nodes[0].rpcService.outstandingRequests == 0)
        }
    }

    @Test func many_concurrent_calls_each_get_their_own_answer() async throws {
        try await withConnectedNodes(2) { nodes in
            TestFunctions.register(on: nodes[1])
            let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for i in 0..<500 {
                    group.addTask { (i, try await nodes[0].erpc.call(TestFunctions.echo, on: nodes[1].name, i)) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(results.count == 500 && results.allSatisfy { $0.key == $0.value })
        }
    }

    @Test func ten_thousand_timed_out_calls_leave_no_pending_state() async throws {
        try await withConnectedNodes(2) { nodes in
            let gate = Gate()
            TestFunctions.register(on: nodes[1], gate: gate)
            try await nodes[0].withProcess { me in
                var timeouts = 0
                for batch in 0..<10 {
                    let requests = try (0..<1000).map { i in
                        try nodes[0].erpc.sendRequest(
                            TestFunctions.block, on: nodes[1].name, batch * 1000 + i, from: me)
                    }
                    for request in requests {
                        do {
                            _ = try await nodes[0].erpc.receiveResponse(request, timeout: .after(.zero))
                        } catch RPCError.timeout {
                            timeouts += 1
                        }
                    }
                }
                #expect(timeouts == 10_000)
                #expect(nodes[0].rpcService.outstandingRequests == 0)
                try await eventually { gate.arrivals == 10_000 }
                gate.open()
                try await eventually(timeout: .seconds(30)) { nodes[1].rpcService.runningCalls == 0 }
                // Every late answer has been sent; one more round trip flushes the connection.
                #expect(try await nodes[0].erpc.call(TestFunctions.echo, on: nodes[1].name, 3) == 3)
                #expect(me.mailboxCount == 0)
                #expect(me.monitors.isEmpty)
                #expect(nodes[0].rpcService.outstandingRequests == 0)
            }
        }
    }

    @Test func calls_beyond_the_concurrency_bound_fail_with_overloaded() async throws {
        try await withConnectedNodes(2) { nodes in
            let gate = Gate()
            TestFunctions.register(on: nodes[1], gate: gate)
            nodes[1].rpcService.maxConcurrentCalls = 2
            let first = Task { try await nodes[0].erpc.call(TestFunctions.block, on: nodes[1].name, 1) }
            let second = Task { try await nodes[0].erpc.call(TestFunctions.block, on: nodes[1].name, 2) }
            try await eventually { nodes[1].rpcService.runningCalls == 2 }
            await #expect(throws: RPCError.overloaded) {
                try await nodes[0].erpc.call(TestFunctions.echo, on: nodes[1].name, 3)
            }
            gate.open()
            #expect(try await first.value + second.value == 3)
            #expect(try await nodes[0].erpc.call(TestFunctions.echo, on: nodes[1].name, 4) == 4)
        }
    }

    @Test func an_exit_signal_to_the_rpc_server_does_not_stop_it_serving() async throws {
        try await withConnectedNodes(2) { nodes in
            TestFunctions.register(on: nodes[1])
            let server = try #require(nodes[1].whereis(RPCService.serverName))
            nodes[1].exit(server, .shutdown)
            let echoed = try await nodes[0].erpc.call(TestFunctions.echo, on: nodes[1].name, 9)
            #expect(echoed == 9)
            #expect(nodes[1].whereis(RPCService.serverName) == server)
        }
    }

    @Test func a_call_travels_on_the_channel_it_is_given() async throws {
        try await withConnectedNodes(2, channels: ChannelSpec.standard + [ChannelSpec(name: "rpc")]) { nodes in
            TestFunctions.register(on: nodes[1])
            let onRPC = try await nodes[0].erpc(channel: "rpc").call(TestFunctions.echo, on: nodes[1].name, 8)
            #expect(onRPC == 8)
            // A channel the connections lack drops the request: the option is really taken.
            await #expect(throws: RPCError.timeout) {
                try await nodes[0].erpc(channel: "absent").call(
                    TestFunctions.echo, on: nodes[1].name, 8, timeout: .milliseconds(200))
            }
            #expect(nodes[0].rpcService.outstandingRequests == 0)
        }
    }

    @Test func a_node_without_networking_calls_its_own_functions() async throws {
        let node = try await PartisanNode.start(name: "erpc-local@127.0.0.1")
        TestFunctions.register(on: node)
        #expect(try await node.erpc.call(TestFunctions.add, on: node.name, .init(a: 1, b: 2)) == 3)
        await #expect(throws: RPCError.noconnection) {
            try await node.erpc.call(TestFunctions.echo, on: "elsewhere@127.0.0.1", 1)
        }
        await node.shutdown()
    }
}
