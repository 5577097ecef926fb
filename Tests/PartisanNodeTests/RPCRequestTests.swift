import Partisan
import PartisanTestSupport
import Testing

/// Asynchronous requests, many nodes at once, casts, the older `rpc` shape, and the built-in
/// functions.
@Suite struct RPCRequestTests {
    @Test func several_outstanding_requests_are_each_answered_with_their_own_result() async throws {
        try await withConnectedNodes(2) { nodes in
            TestFunctions.register(on: nodes[1])
            let erpc = nodes[0].erpc
            let values = try await nodes[0].withProcess { me in
                let requests = try (1...3).map {
                    try erpc.sendRequest(TestFunctions.echo, on: nodes[1].name, $0, from: me)
                }
                var values: [Int] = []
                for request in requests.reversed() { values.append(try await erpc.receiveResponse(request)) }
                return values
            }
            #expect(values == [3, 2, 1])
        }
    }

    @Test func wait_and_check_response_return_nil_before_the_answer_and_keep_the_request() async throws {
        try await withConnectedNodes(2) { nodes in
            let gate = Gate()
            TestFunctions.register(on: nodes[1], gate: gate)
            let erpc = nodes[0].erpc
            try await nodes[0].withProcess { me in
                let request = try erpc.sendRequest(TestFunctions.block, on: nodes[1].name, 9, from: me)
                #expect(try await erpc.waitResponse(request, timeout: .milliseconds(50)) == nil)
                #expect(try await erpc.checkResponse(request) == nil)
                gate.open()
                #expect(try await erpc.receiveResponse(request) == 9)
                #expect(try await erpc.checkResponse(request) == nil)
            }
            #expect(nodes[0].rpcService.outstandingRequests == 0)
        }
    }

    @Test func an_abandoned_request_drops_its_answer() async throws {
        try await withConnectedNodes(2) { nodes in
            let gate = Gate()
            TestFunctions.register(on: nodes[1], gate: gate)
            let erpc = nodes[0].erpc
            try await nodes[0].withProcess { me in
                let request = try erpc.sendRequest(TestFunctions.block, on: nodes[1].name, 5, from: me)
                erpc.abandon(request)
                erpc.abandon(request)  // twice is harmless
                #expect(nodes[0].rpcService.outstandingRequests == 0)
                gate.open()
                try await eventually { nodes[1].rpcService.runningCalls == 0 }
                #expect(try await erpc.call(TestFunctions.echo, on: nodes[1].name, 6) == 6)
                #expect(me.mailboxCount == 0 && me.monitors.isEmpty)
            }
        }
    }

    @Test func a_caller_killed_while_waiting_leaves_no_outstanding_request() async throws {
        try await withConnectedNodes(2) { nodes in
            let gate = Gate()
            TestFunctions.register(on: nodes[1], gate: gate)
            let caller = nodes[0].spawn { _ in
                _ = try await nodes[0].erpc.call(TestFunctions.block, on: nodes[1].name, 1, timeout: .infinity)
            }
            try await eventually { gate.arrivals == 1 }
            #expect(nodes[0].rpcService.outstandingRequests == 1)
            nodes[0].exit(caller, .kill)
            try await eventually { nodes[0].rpcService.outstandingRequests == 0 }
            gate.open()
        }
    }

    @Test func multi_call_gives_each_node_its_result_in_node_order() async throws {
        try await withConnectedNodes(3) { nodes in
            TestFunctions.register(on: nodes[1])
            TestFunctions.register(on: nodes[2])
            let targets = [nodes[2].name, nodes[1].name, "nowhere@127.0.0.1", nodes[0].name]
            let results = await nodes[0].erpc.multiCall(TestFunctions.add, on: targets, .init(a: 1, b: 1))
            #expect(results == [.success(2), .success(2), .failure(.noconnection), .failure(.undef("test.add"))])
        }
    }

    @Test func cast_and_multicast_run_the_function_without_an_answer() async throws {
        try await withConnectedNodes(3) { nodes in
            let counter = EventCounter()
            let count = RemoteFunction<NoArguments, Int>("test.count")
            for node in nodes[1...] {
                node.registerFunction(count) { _ in
                    counter.add()
                    return 0
                }
            }
            nodes[0].erpc.cast(count, on: nodes[1].name, NoArguments())
            try await eventually { counter.value == 1 }
            nodes[0].erpc.multicast(count, on: [nodes[1].name, nodes[2].name], NoArguments())
            try await eventually { counter.value == 3 }
            nodes[0].erpc.cast(count, on: "nowhere@127.0.0.1", NoArguments())
            #expect(nodes[0].rpcService.outstandingRequests == 0)
        }
    }

    @Test func rpc_call_returns_bad_rpc_instead_of_throwing() async throws {
        try await withConnectedNodes(2) { nodes in
            TestFunctions.register(on: nodes[1])
            let ok = await nodes[0].rpc.call(TestFunctions.echo, on: nodes[1].name, 4)
            #expect(ok == .value(4))
            let failed = await nodes[0].rpc.call(TestFunctions.fail, on: nodes[1].name, NoArguments())
            guard case .badRPC(.exception) = failed else {
                Issue.record("expected badRPC(exception), got \(failed)")
                return
            }
        }
    }

    @Test func rpc_multi_call_lists_the_nodes_that_did_not_answer() async throws {
        try await withConnectedNodes(2) { nodes in
            TestFunctions.register(on: nodes[0])
            TestFunctions.register(on: nodes[1])
            let answer = await nodes[0].rpc.multiCall(
                TestFunctions.echo, on: [nodes[1].name, "nowhere@127.0.0.1", nodes[0].name], 6)
            #expect(answer.results == [.value(6), .value(6)])
            #expect(answer.badNodes == ["nowhere@127.0.0.1"])
        }
    }

    @Test func every_node_answers_the_built_in_functions() async throws {
        try await withConnectedNodes(2) { nodes in
            let erpc = nodes[0].erpc
            let info = try await erpc.call(BuiltinFunctions.info, on: nodes[1].name)
            #expect(info.name == nodes[1].name.description)
            #expect(info.overlay == "fullmesh")
            #expect(info.connectedNodes == [nodes[0].name.description])
            #expect(info.processCount > 0 && info.uptimeSeconds > 0)
            #expect(info.channels.count == ChannelSpec.standard.count)
            let processes = try await erpc.call(BuiltinFunctions.processes, on: nodes[1].name)
            #expect(processes.contains { $0.registeredName == RPCService.serverName })
            #expect(processes.count >= 1 && processes.allSatisfy { $0.mailboxLength >= 0 })
            let members = try await erpc.call(BuiltinFunctions.members, on: nodes[1].name)
            #expect(members.contains(nodes[1].name.description))
        }
    }
}
