import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// The first example of `Guides/Distribution.md`: two nodes with a `bulk` channel, a message
/// on each channel.
@Suite struct ChannelsGuideTests {
    @Test func the_guide_example_runs() async throws {
        var configuration = PartisanNode.Configuration(name: "chg-a@127.0.0.1", cookie: "secret")
        configuration.distribution?.channels = [.default, .membership, ChannelSpec(name: "bulk", parallelism: 4)]
        let a = try await PartisanNode.start(configuration)
        configuration.name = "chg-b@127.0.0.1"
        let b = try await PartisanNode.start(configuration)
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        try await a.connect(to: b.listenAddress!)
        #expect(a.kernel!.sendingConnections(to: b.name).filter { $0.channel.name == "bulk" }.count == 4)
        let printed = Mutex<[String]>([])
        let inbox = b.spawn { ctx in
            while true {
                let text = try await ctx.receive(String.self)
                printed.withLock { $0.append(text) }
            }
        }
        a.forwardMessage("small", to: inbox)
        a.forwardMessage("large", to: inbox, options: DeliveryOptions(channel: "bulk", partitionKey: 7))
        try await eventually { Set(printed.withLock { $0 }) == ["small", "large"] }
    }
}
