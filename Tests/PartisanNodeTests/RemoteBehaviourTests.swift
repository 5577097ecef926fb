import Partisan
import PartisanTestSupport
import Testing

/// A two-state switch whose calls cross nodes.
struct RemoteSwitch: GenStatem {
    typealias State = Bool
    typealias Data = Void
    enum Call: Codable, Sendable { case flip }
    typealias Reply = Bool

    func initialize(context: GenStatemContext) async throws -> Initialization { .ok(false, ()) }

    func handleEvent(_ event: Event, state: Bool, data: inout Void, context: GenStatemContext) async throws
        -> Transition
    {
        guard case .call(.flip, let from) = event else { return .keepState() }
        return .nextState(!state, .reply(from, !state))
    }
}

/// Servers addressed as `name@node`, node loss during a remote call, `abcast`, `multiCall`.
@Suite struct RemoteBehaviourTests {
    func startStore(named name: String, on server: PartisanNode, for clients: [PartisanNode]) async throws {
        server.registerMessageTypes(of: RemoteStore.self)
        for client in clients { client.registerMessageTypes(of: RemoteStore.self) }
        _ = try await server.startGenServer(RemoteStore(), name: name)
    }

    @Test func a_call_to_name_at_node_gets_the_reply() async throws {
        try await withConnectedNodes(2) { nodes in
            try await startStore(named: "store", on: nodes[1], for: [nodes[0]])
            let store = nodes[0].genServer(RemoteStore.self, named: "store", on: nodes[1].name)
            #expect(try await store.call(.put(3)) == 3)
            store.cast(.add(1))
            #expect(try await store.call(.get) == 4)
            #expect(store.pid == nil, "the name is looked up on its node, not here")
        }
    }

    @Test func a_call_to_name_at_node_reaches_a_restarted_server() async throws {
        try await withConnectedNodes(2) { nodes in
            try await startStore(named: "store", on: nodes[1], for: [nodes[0]])
            let store = nodes[0].genServer(RemoteStore.self, named: "store", on: nodes[1].name)
            #expect(try await store.call(.put(7)) == 7)
            try await GenServerRef<RemoteStore>(name: "store", on: nodes[1].runtime).stop()
            try await startStore(named: "store", on: nodes[1], for: [])
            #expect(try await store.call(.get) == 0)
        }
    }

    @Test func stop_by_name_at_node_stops_the_server() async throws {
        try await withConnectedNodes(2) { nodes in
            try await startStore(named: "store", on: nodes[1], for: [nodes[0]])
            let store = nodes[0].genServer(RemoteStore.self, named: "store", on: nodes[1].name)
            try await store.stop(.shutdown, timeout: .seconds(10))
            #expect(nodes[1].whereis("store") == nil)
            await #expect(throws: GenServerError.noproc) { try await store.stop() }
        }
    }

    @Test func a_call_to_a_name_not_registered_there_fails_with_noproc() async throws {
        try await withConnectedNodes(2) { nodes in
            nodes[0].registerMessageTypes(of: RemoteStore.self)
            let store = nodes[0].genServer(RemoteStore.self, named: "absent", on: nodes[1].name)
            await #expect(throws: GenServerError.noproc) { try await store.call(.get) }
        }
    }

    @Test func a_remote_call_fails_with_noconnection_when_the_node_goes_down_during_it() async throws {
        try await withConnectedNodes(3) { nodes in
            try await startStore(named: "store", on: nodes[1], for: [nodes[0]])
            let byName = nodes[0].genServer(RemoteStore.self, named: "store", on: nodes[1].name)
            let byPid = GenServerRef<RemoteStore>(pid: nodes[1].whereis("store")!, on: nodes[0].runtime)
            let calls = [byName, byPid].map { store in
                Task { try await store.call(.ignore, timeout: .infinity) }
            }
            try await eventually { nodes[1].details(of: nodes[1].whereis("store")!)?.monitoredBy.count == 2 }
            await nodes[1].kill()
            for call in calls { await #expect(throws: GenServerError.noconnection) { try await call.value } }
        }
    }

    @Test func a_call_to_a_node_that_is_not_connected_fails_with_noconnection() async throws {
        try await withConnectedNodes(1) { nodes in
            nodes[0].registerMessageTypes(of: RemoteStore.self)
            let store = nodes[0].genServer(RemoteStore.self, named: "store", on: "nowhere@127.0.0.1")
            await #expect(throws: GenServerError.noconnection) { try await store.call(.get, timeout: .infinity) }
        }
    }

    @Test func abcast_and_multi_call_reach_the_server_on_every_node() async throws {
        try await withConnectedNodes(3) { nodes in
            try await startStore(named: "store", on: nodes[1], for: [nodes[0]])
            try await startStore(named: "store", on: nodes[2], for: [])
            let targets = [nodes[2].name, "nowhere@127.0.0.1", nodes[1].name]
            nodes[0].abcast(RemoteStore.self, named: "store", on: targets, .add(5))
            // The casts and the calls travel from different processes: wait until both casts
            // have been handled.
            try await eventually {
                await nodes[0].multiCall(RemoteStore.self, named: "store", on: targets, .get).replies.map(\.reply)
                    == [5, 5]
            }
            let answer = await nodes[0].multiCall(RemoteStore.self, named: "store", on: targets, .get)
            #expect(answer.replies.map(\.node) == [nodes[2].name, nodes[1].name])
            #expect(answer.replies.map(\.reply) == [5, 5])
            #expect(answer.badNodes == ["nowhere@127.0.0.1"])
        }
    }

    /// Partisan's `cast_message/4`: a cast to `name@node` on another channel.
    @Test func cast_message_reaches_the_server_on_the_channel_given() async throws {
        let channels = [ChannelSpec.default, ChannelSpec(name: "casts", parallelism: 2), .membership]
        try await withConnectedNodes(2, channels: channels) { nodes in
            try await startStore(named: "store", on: nodes[1], for: [nodes[0]])
            nodes[0].castMessage(
                RemoteStore.self, named: "store", on: nodes[1].name, .add(3), options: .channel("casts"))
            let store = nodes[0].genServer(RemoteStore.self, named: "store", on: nodes[1].name)
            try await eventually { (try? await store.call(.get)) == 3 }
        }
    }

    @Test func a_state_machine_is_called_by_name_at_node() async throws {
        try await withConnectedNodes(2) { nodes in
            for node in nodes {
                node.registerMessageType(RemoteSwitch.Call.self)
                node.registerMessageType(Bool.self)
            }
            _ = try await nodes[1].startGenStatem(RemoteSwitch(), name: "switch")
            let light = nodes[0].genStatem(RemoteSwitch.self, named: "switch", on: nodes[1].name)
            #expect(try await light.call(.flip) == true)
            #expect(try await light.call(.flip) == false)
        }
    }
}
