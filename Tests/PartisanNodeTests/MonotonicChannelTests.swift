import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// Monotonic channels under load (issue 17, item 5): a flood of readings per key on a
/// monotonic channel delivers, per key, only ever newer values, and always the last one.
@Suite struct MonotonicChannelTests {
    static let state = ChannelSpec(name: "state", monotonic: true)

    @Test func a_flooded_monotonic_channel_delivers_only_newer_values_and_always_the_last() async throws {
        let (keys, values) = (8, 2_000)
        try await withConnectedNodes(2, channels: ChannelSpec.standard + [Self.state]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let received = Mutex<[Int: [Int]]>([:])
            let reader = b.spawn { ctx in
                while true {
                    let reading = try await ctx.receive(String.self).split(separator: ":").compactMap { Int($0) }
                    received.withLock { $0[reading[0], default: []].append(reading[1]) }
                }
            }
            try await a.withProcess { me in
                for value in 1...values {
                    for key in 0..<keys {
                        me.send(
                            "\(key):\(value)", to: reader, options: DeliveryOptions(channel: "state", partitionKey: key)
                        )
                    }
                }
            }
            try await eventually("every key's last value arrived") {
                received.withLock { seen in (0..<keys).allSatisfy { seen[$0]?.last == values } }
            }
            let seen = received.withLock { $0 }
            for key in 0..<keys {
                let delivered = seen[key] ?? []
                #expect(zip(delivered, delivered.dropFirst()).allSatisfy { $0 < $1 }, "key \(key) went back in time")
            }
            let total = seen.values.map(\.count).reduce(0, +)
            #expect(total <= keys * values)
            print("monotonic flood: \(total) of \(keys * values) readings delivered, the rest replaced while queued")
        }
    }

    /// Replacement is per recipient: two processes fed on one monotonic channel with one key
    /// each get their own last value.
    @Test func a_monotonic_channel_replaces_only_messages_to_the_same_recipient() async throws {
        try await withConnectedNodes(2, channels: ChannelSpec.standard + [Self.state]) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            let (first, second) = (Inbox(), Inbox())
            let readers = [first.spawnReader(on: b), second.spawnReader(on: b)]
            try await a.withProcess { me in
                for value in 1...500 {
                    for reader in readers {
                        me.send("\(value)", to: reader, options: DeliveryOptions(channel: "state", partitionKey: 0))
                    }
                }
            }
            try await eventually { first.strings.last == "500" && second.strings.last == "500" }
        }
    }
}
