import Foundation
import PartisanTestSupport
import Testing

/// `partisan rpc` against a real `partisan node` OS process.
@Suite struct RPCCommandTests {
    static func rpc(_ address: String, _ arguments: [String]) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try await CLIProcess.run(["rpc", "--node", address, "--cookie", "clitest"] + arguments)
    }

    @Test func rpc_prints_the_json_result_of_the_built_in_functions() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        let node = try await cluster.start("rpc")
        let info = try await Self.rpc(node.address, ["partisan.info"])
        #expect(info.status == 0, "\(info.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any]
        #expect(object?["name"] as? String == node.name)
        #expect(object?["overlay"] as? String == "fullmesh")
        #expect((object?["processCount"] as? Int ?? 0) > 0)
        let members = try await Self.rpc(node.address, ["partisan.members"])
        #expect(try JSONSerialization.jsonObject(with: Data(members.stdout.utf8)) as? [String] == [node.name])
        let processes = try await Self.rpc(node.address, ["partisan.processes"])
        let list = try JSONSerialization.jsonObject(with: Data(processes.stdout.utf8)) as? [[String: Any]]
        #expect(list?.contains { $0["registeredName"] as? String == "partisan_rpc" } == true)
        let whereis = try await Self.rpc(node.address, ["partisan.whereis", "\"partisan_rpc\""])
        #expect(whereis.stdout.hasPrefix("\"partisan:pid:\(node.name):"))
        cluster.killAll()
    }

    @Test func rpc_reports_a_failed_call_on_stderr_with_exit_code_3_and_bad_json_with_64() async throws {
        try CLITests.requireBinary()
        let cluster = CLITests.Cluster()
        let node = try await cluster.start("rpcfail")
        let unknown = try await Self.rpc(node.address, ["no.such.function"])
        #expect(unknown.status == 3)
        #expect(unknown.stderr.contains("no function named no.such.function"))
        let badArguments = try await Self.rpc(node.address, ["partisan.whereis", "{\"a\": 1}"])
        #expect(badArguments.status == 3)
        #expect(badArguments.stderr.contains("bad arguments"))
        let badJSON = try await Self.rpc(node.address, ["partisan.info", "{not json"])
        #expect(badJSON.status == 64)
        // The node keeps serving after bad calls.
        #expect(try await Self.rpc(node.address, ["partisan.members"]).status == 0)
        cluster.killAll()
    }
}
