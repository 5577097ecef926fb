import Logging
import Partisan
import PartisanCluster
import PartisanTestSupport
import ServiceLifecycle
import Synchronization
import Testing

private let serviceSerial = Atomic<Int>(0)

private func startServiceNode() async throws -> PartisanNode {
    let serial = serviceSerial.wrappingAdd(1, ordering: .relaxed).oldValue
    return try await PartisanNode.start(name: try Node(validating: "svc\(serial)@127.0.0.1"), cookie: "service-test")
}

@Suite struct PartisanNodeServiceTests {
    @Test func a_group_graceful_shutdown_shuts_the_node_down_and_terminate_runs() async throws {
        let node = try await startServiceNode()
        let log = TerminationLog()
        _ = try await node.startSupervisor(children: [.genServer(id: "x") { RecordingServer(id: "x", log: log) }])
        let group = ServiceGroup(services: [PartisanNodeService(node: node)], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        try await eventually("the node serves") { node.phase == .running && node.processCount > 0 }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(node.phase == .stopped)
        #expect(log.entries == ["x shutdown"])
    }

    @Test func run_returns_when_the_node_is_shut_down_from_elsewhere() async throws {
        let node = try await startServiceNode()
        let service = ServiceGroupConfiguration.ServiceConfiguration(
            service: PartisanNodeService(node: node), successTerminationBehavior: .gracefullyShutdownGroup)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [service], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        await node.shutdown()
        try await running.value
        #expect(node.phase == .stopped)
    }

    @Test func cancelling_the_group_kills_the_node() async throws {
        let node = try await startServiceNode()
        let log = TerminationLog()
        _ = try await node.startSupervisor(children: [.genServer(id: "x") { RecordingServer(id: "x", log: log) }])
        let group = ServiceGroup(services: [PartisanNodeService(node: node)], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        try await eventually("the group runs the service") { node.phase == .running }
        running.cancel()
        _ = try? await running.value
        await node.waitUntilStopped()
        #expect(node.phase == .stopped)
        #expect(log.entries.isEmpty)
    }
}
