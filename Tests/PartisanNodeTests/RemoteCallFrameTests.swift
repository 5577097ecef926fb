import Partisan
import PartisanTestSupport
import Testing

@testable import PartisanDistribution

/// A remote call is one frame each way: the request carries the call's monitor, and the reply
/// ends it on both nodes, so no `demonitor` follows and nothing is left behind.
@Suite struct RemoteCallFrameTests {
    /// The monitors the kernel of `node` keeps for its session with `peer`: held here on the
    /// peer's processes, and held by the peer's processes on local ones.
    static func sessionMonitors(of node: PartisanNode, with peer: Node) -> (monitoring: Int, monitoredBy: Int)? {
        node.kernel?.state.withLock { s in
            s.sessions[peer].map { ($0.monitoring.count, $0.monitoredBy.count) }
        }
    }

    /// Starts a `RemoteStore` registered as `store` on `server` and returns its pid and a
    /// reference to it from `client`: by `name@node`, or by pid.
    static func startStore(on server: PartisanNode, calledFrom client: PartisanNode, byName: Bool) async throws
        -> (pid: Pid, ref: GenServerRef<RemoteStore>)
    {
        server.registerMessageTypes(of: RemoteStore.self)
        client.registerMessageTypes(of: RemoteStore.self)
        let pid = try #require(try await server.startGenServer(RemoteStore(), name: "store").pid)
        let ref =
            byName
            ? client.genServer(RemoteStore.self, named: "store", on: server.name)
            : GenServerRef<RemoteStore>(pid: pid, on: client.runtime)
        return (pid, ref)
    }

    @Test(arguments: [true, false])
    func the_reply_ends_the_call_monitor_on_both_nodes(byName: Bool) async throws {
        try await withConnectedNodes(2) { nodes in
            let (server, store) = try await Self.startStore(on: nodes[1], calledFrom: nodes[0], byName: byName)
            try await nodes[0].runtime.withProcess { me async throws -> Void in
                for value in 1...20 {
                    #expect(try await store.call(.put(value), from: me) == value)
                    // The server dropped its side before it replied: nothing waits for a demonitor.
                    #expect(nodes[1].details(of: server)?.monitoredBy.isEmpty == true)
                    #expect(me.monitors.isEmpty)
                }
            }
            let caller = try #require(Self.sessionMonitors(of: nodes[0], with: nodes[1].name))
            let callee = try #require(Self.sessionMonitors(of: nodes[1], with: nodes[0].name))
            #expect(caller.monitoring == 0 && callee.monitoredBy == 0)
        }
    }

    /// A call that gets no answer (the server never replies) withdraws its monitor with a
    /// `demonitor`, which the server's node matches by reference (for a call by name the caller
    /// never learnt the server's pid).
    @Test(arguments: [true, false])
    func a_call_that_times_out_withdraws_its_monitor(byName: Bool) async throws {
        try await withConnectedNodes(2) { nodes in
            let (server, store) = try await Self.startStore(on: nodes[1], calledFrom: nodes[0], byName: byName)
            await #expect(throws: GenServerError.timeout) {
                try await store.call(.ignore, timeout: .milliseconds(50))
            }
            try await eventually { nodes[1].details(of: server)?.monitoredBy.isEmpty == true }
            try await eventually { Self.sessionMonitors(of: nodes[1], with: nodes[0].name)?.monitoredBy == 0 }
            #expect(Self.sessionMonitors(of: nodes[0], with: nodes[1].name)?.monitoring == 0)
        }
    }
}
