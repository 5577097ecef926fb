import Partisan
import PartisanTestSupport
import Testing

/// A type the server's node registers under the manifest of a request of another shape.
private struct OtherRequest: Codable, Sendable {
    let count: Double
}

/// A call whose request the server's node cannot decode is answered at once with
/// `GenServerError.unknownRequestType(manifest:)`, never left to time out.
@Suite struct UnknownRequestTypeTests {
    /// Longer than any test needs: a call that fails with `.timeout` proves the bug.
    let patience = CallTimeout.seconds(60)

    @Test func a_call_whose_request_type_the_server_node_never_registered_fails_at_once_naming_the_manifest()
        async throws
    {
        try await withConnectedNodes(2) { nodes in
            let (client, server) = (nodes[0], nodes[1])
            client.registerMessageTypes(of: RemoteStore.self)
            _ = try await server.startGenServer(RemoteStore(), name: "store")
            let store = client.genServer(RemoteStore.self, named: "store", on: server.name)
            let manifest = MessageCodec.defaultManifest(of: RemoteStore.Call.self)
            await #expect(throws: GenServerError.unknownRequestType(manifest: manifest)) {
                try await store.call(.put(1), timeout: patience)
            }
            // The server is untouched; once its node registers the type, the same call works.
            server.registerMessageTypes(of: RemoteStore.self)
            #expect(try await store.call(.put(2), timeout: patience) == 2)
        }
    }

    @Test func a_request_that_does_not_decode_as_the_type_registered_under_its_manifest_fails_the_same_way()
        async throws
    {
        try await withConnectedNodes(2) { nodes in
            let (client, server) = (nodes[0], nodes[1])
            client.registerMessageTypes(of: RemoteStore.self)
            let manifest = MessageCodec.defaultManifest(of: RemoteStore.Call.self)
            server.registerMessageType(OtherRequest.self, manifest: manifest)  // another type under that name
            _ = try await server.startGenServer(RemoteStore(), name: "store")
            let store = client.genServer(RemoteStore.self, named: "store", on: server.name)
            await #expect(throws: GenServerError.unknownRequestType(manifest: manifest)) {
                try await store.call(.get, timeout: patience)
            }
        }
    }

    @Test func a_state_machine_call_with_an_unregistered_request_type_fails_at_once() async throws {
        try await withConnectedNodes(2) { nodes in
            let (client, server) = (nodes[0], nodes[1])
            client.registerMessageType(RemoteSwitch.Call.self)
            _ = try await server.startGenStatem(RemoteSwitch(), name: "switch")
            let machine = client.genStatem(RemoteSwitch.self, named: "switch", on: server.name)
            let manifest = MessageCodec.defaultManifest(of: RemoteSwitch.Call.self)
            await #expect(throws: GenServerError.unknownRequestType(manifest: manifest)) {
                try await machine.call(.flip, timeout: patience)
            }
            server.registerMessageType(RemoteSwitch.Call.self)
            #expect(try await machine.call(.flip, timeout: patience) == true)
        }
    }

    @Test func the_manifest_a_peer_sent_is_reported_cut_to_a_bound() {
        let codec = MessageCodec()
        let long = String(repeating: "M", count: 10_000)
        let payload = Term.tuple([.string(long), .integer(1)])
        #expect(codec.undecodableManifest(in: payload) == String(long.prefix(MessageCodec.maxReportedManifestLength)))
        #expect(codec.undecodableManifest(in: .tuple([.string(MessageCodec.defaultManifest(of: Int.self)), 1])) == nil)
        #expect(codec.undecodableManifest(in: .integer(1)) == nil)
    }
}
