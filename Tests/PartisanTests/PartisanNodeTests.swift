import Partisan
import PartisanTestSupport
import Testing

@Suite struct PartisanNodeTests {
    @Test func several_nodes_live_side_by_side_in_one_os_process() async throws {
        let a = try await PartisanNode.start(name: "a@127.0.0.1")
        let b = try await PartisanNode.start(name: "b@127.0.0.1")
        let pa = a.spawn { ctx in try await ctx.waitForever() }
        let pb = b.spawn { ctx in try await ctx.waitForever() }
        #expect(pa.node == a.name && pb.node == b.name)
        try a.register("same-name", pa)
        try b.register("same-name", pb)
        #expect(a.whereis("same-name") == pa)
        #expect(b.whereis("same-name") == pb)
        a.exit(pa, .kill)
        b.exit(pb, .kill)
        try await eventually { a.processCount == 0 && b.processCount == 0 }
    }

    @Test func with_process_returns_the_body_result_and_rethrows_its_error() async throws {
        struct Failure: Error {}
        let node = try await PartisanNode.start(name: "c@127.0.0.1")
        let value = try await node.withProcess { me in me.pid.node.name }
        #expect(value == "c@127.0.0.1")
        await #expect(throws: Failure.self) { try await node.withProcess { _ in throw Failure() } }
    }

    @Test func a_killed_with_process_reports_the_exit_reason() async throws {
        let node = try await PartisanNode.start(name: "d@127.0.0.1")
        let result = Task {
            try await node.withProcess { me in
                try node.register("doomed", me.pid)
                _ = try await me.waitForever()
            }
        }
        try await eventually { node.whereis("doomed") != nil }
        node.exit(node.whereis("doomed")!, .shutdown)
        await #expect(throws: ProcessError.exiting(.shutdown)) { try await result.value }
    }
}
