import Partisan
import PartisanTestSupport
import Testing

@testable import PartisanDistribution

/// A peer's signals reach only the processes of the node they arrive at: a node never relays
/// an exit, a `DOWN` or a message naming a pid of a third node (which would let one peer act,
/// under another's name, on a node it has no session with). Two lines hold it: the kernel
/// closes a connection whose control message names a recipient of another node, and
/// `ProcessRuntime.apply(_:from:)` touches only local processes (with the first line removed,
/// this test fails when `apply` routes onward, and passes as it is).
@Suite struct SignalRelayTests {
    @Test func signals_naming_a_third_nodes_pid_are_not_relayed() async throws {
        try await withConnectedNodes(3) { nodes in
            let (a, b, c) = (nodes[0], nodes[1], nodes[2])
            let victim = c.spawn { ctx in try await ctx.waitForever() }
            let sender = b.spawn { ctx in try await ctx.waitForever() }
            let echo = c.spawn { ctx in
                while true {
                    let from = try await ctx.receive(Pid.self)
                    ctx.send("after", to: from)
                }
            }
            try await a.withProcess { probe in
                // B hands A signals addressed to C's process, as if A should pass them on.
                let kernel = try #require(b.kernel)
                kernel.transmit(.exit(from: sender, to: victim, reason: .kill, viaLink: false), to: a.name)
                let down = DownMessage(ref: b.runtime.makeRef(), pid: sender, reason: .kill)
                kernel.transmit(.down(watcher: victim, ref: down.ref, target: sender, reason: .kill), to: a.name)
                // Then, on the same connection and so after them, a message to the probe on A.
                kernel.transmit(.send(to: probe.pid, from: sender, payload: .atom("marker")), to: a.name)
                _ = try await probe.receive(Term.self, timeout: .seconds(30))
                // Anything A relayed to C went before this on A's one connection to C.
                probe.send(probe.pid, to: echo)
                #expect(try await probe.receive(String.self, timeout: .seconds(30)) == "after")
            }
            #expect(c.runtime.isAlive(victim))
        }
    }
}
