import Partisan
import PartisanTestSupport
import Testing

/// A server that crashes is reported once, at error level, like any process that crashes:
/// the behaviour adds no report of its own.
@Suite struct GenServerCrashReportTests {
    @Test func a_server_whose_handler_throws_is_reported_once_with_its_name() async throws {
        let recorder = LogRecorder()
        var configuration = PartisanNode.Configuration(name: "gs-crash-report@127.0.0.1")
        configuration.logging.logger = recorder.logger()
        let node = try await PartisanNode.start(configuration)
        let counter = try await node.startGenServer(Counter(), name: "counter")
        await #expect(throws: GenServerError.exit(.crashed(ProcessCrash(CounterFailure())))) {
            try await counter.call(.crash)
        }
        // The call failed on the server's DOWN, which comes after the report.
        let reports = recorder.lines.filter { $0.hasPrefix("error process crashed") }
        #expect(reports.count == 1)
        #expect(reports.first?.contains("registered_name=counter") == true)
        await node.shutdown()
    }

    @Test func a_server_stopped_with_shutdown_is_not_reported() async throws {
        let recorder = LogRecorder()
        var configuration = PartisanNode.Configuration(name: "gs-stop-report@127.0.0.1")
        configuration.logging.logger = recorder.logger()
        let node = try await PartisanNode.start(configuration)
        let counter = try await node.startGenServer(Counter())
        try await counter.stop(.shutdown)
        #expect(!recorder.lines.contains { $0.hasPrefix("error") })
        await node.shutdown()
    }
}
