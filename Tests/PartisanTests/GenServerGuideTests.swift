import Partisan
import Testing

/// The example of Guides/GenServer.md, kept compiling and true.
private struct GuideCounter: GenServer {
    enum Call: Sendable {
        case get
        case add(Int)
    }
    enum Cast: Sendable { case reset }
    typealias Reply = Int
    var count = 0

    mutating func handleCall(_ request: Call, from: CallerRef<Int>, context: GenServerContext) async throws
        -> CallResult<Int, Never>
    {
        switch request {
        case .get: return .reply(count)
        case .add(let n):
            count += n
            return .reply(count)
        }
    }

    mutating func handleCast(_ request: Cast, context: GenServerContext) async throws -> NoReplyResult<Never> {
        count = 0
        return .noreply()
    }
}

@Suite struct GenServerGuideTests {
    @Test func the_guide_example_runs_as_written() async throws {
        let node = try await PartisanNode.start(name: "a@127.0.0.1")
        let counter = try await node.startGenServer(GuideCounter(), name: "counter")
        #expect(try await counter.call(.add(2)) == 2)
        counter.cast(.reset)
        #expect(try await counter.call(.get, timeout: .seconds(1)) == 0)
        let byName = node.genServer(GuideCounter.self, named: "counter")
        #expect(try await byName.call(.add(40)) == 40)
        try await counter.stop()
    }
}
