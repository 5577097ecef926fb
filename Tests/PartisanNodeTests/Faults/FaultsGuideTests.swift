import Partisan
import PartisanTestSupport
import Testing

/// The examples of `Guides/Faults.md`, run as written (with names of their own).
@Suite struct FaultsGuideTests {
    func start(_ name: Node) async throws -> PartisanNode {
        var configuration = PartisanNode.Configuration(name: name, cookie: "secret")
        configuration.distribution?.membership = MembershipConfiguration(
            gossipInterval: .milliseconds(100), suspectAfter: .seconds(1))
        return try await PartisanNode.start(configuration)
    }

    @Test func the_partition_example() async throws {
        let a = try await start("guide-fa@127.0.0.1")
        let b = try await start("guide-fb@127.0.0.1")
        try await b.join(a.listenAddress!)
        try await eventually { a.isConnected(b.name) && a.members().contains(b.name) }

        let partition = try a.injectPartition(from: [b.name])
        #expect(a.partitions().map(\.description) == ["#Partition<1> from guide-fb@127.0.0.1"])
        try await eventually("failure detection ended the session") { !a.isConnected(b.name) }
        #expect(a.resolvePartition(partition))
        try await eventually("the overlay reconnected") { a.isConnected(b.name) && b.isConnected(a.name) }
        for node in [a, b] { await node.shutdown() }
    }

    @Test func the_interposition_example() async throws {
        try await withConnectedNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            try a.addSendInterposition(named: "drop-secrets") { message in
                message.peer == b.name && message.contains(.binary(Array("secret".utf8))) ? .drop : .pass
            }
            try b.addReceiveInterposition(named: "slow-a") { message in
                message.peer == a.name ? .delay(.milliseconds(300)) : .pass
            }
            try a.addSendInterposition(named: "twice") { message in message.peer == b.name ? .duplicate(2) : .pass }
            a.removeSendInterposition(named: "drop-secrets")
            #expect(a.interpositions(.send) == ["twice"])

            var schedule = FaultSchedule(seed: 42)
            try a.addSendInterposition(named: "lossy", schedule.dropping(percent: 30, to: b.name, for: .seconds(5)))
            try a.addSendInterposition(
                named: "jitter",
                schedule.delaying(to: b.name, by: .uniform(min: .milliseconds(1), max: .milliseconds(20))))
            try a.addSendInterposition(named: "shuffle", schedule.reordering(to: b.name, within: .milliseconds(50)))
            #expect(a.interpositions(.send) == ["twice", "lossy", "jitter", "shuffle"])
        }
    }
}
