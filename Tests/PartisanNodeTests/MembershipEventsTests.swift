import Partisan
import PartisanTestSupport
import Synchronization
import Testing

private let eventsSerial = Atomic<Int>(0)

/// Nodes named uniquely for this suite, full mesh, gossiping often. Failure detection by
/// silence is slow (10 s), so that a loaded machine never takes a live node for a hung one:
/// these tests stop nodes by closing their connections.
private func startEventNodes(_ count: Int) async throws -> [PartisanNode] {
    let serial = eventsSerial.wrappingAdd(1, ordering: .relaxed).oldValue
    var membership = MembershipConfiguration()
    membership.gossipInterval = .milliseconds(100)
    membership.suspectAfter = .seconds(10)
    var nodes: [PartisanNode] = []
    for index in 0..<count {
        var configuration = PartisanNode.Configuration(
            name: try Node(validating: "ev\(serial)n\(index)@127.0.0.1"), cookie: "events-test")
        configuration.distribution?.membership = membership
        // A loaded machine may take seconds to read a leave; the wait ends once it is read.
        configuration.lifecycle.drainTimeout = .seconds(15)
        nodes.append(try await PartisanNode.start(configuration))
    }
    return nodes
}

/// What one subscription delivered, and whether it ended.
private final class MembershipEventLog: Sendable {
    private let state = Mutex<(events: [MembershipEvent], finished: Bool)>(([], false))

    func append(_ event: MembershipEvent) { state.withLock { $0.events.append(event) } }
    func finish() { state.withLock { $0.finished = true } }
    var events: [MembershipEvent] { state.withLock { $0.events } }
    var isFinished: Bool { state.withLock { $0.finished } }
}

/// Collects the events of one subscription in a task, until it ends.
private struct EventCollector {
    let log = MembershipEventLog()
    let task: Task<Void, Never>

    init(_ events: MembershipEvents) {
        let log = log
        task = Task {
            for await event in events { log.append(event) }
            log.finish()
        }
    }

    var events: [MembershipEvent] { log.events }
    var isFinished: Bool { log.isFinished }
}

@Suite struct MembershipEventsTests {
    @Test func joins_ups_downs_and_leaves_reach_every_subscriber_in_the_same_order() async throws {
        let nodes = try await startEventNodes(3)
        let (a, b, c) = (nodes[0], nodes[1], nodes[2])
        defer { Task { for node in nodes { await node.kill() } } }
        let first = EventCollector(a.membershipEvents())
        let second = EventCollector(a.membershipEvents())
        try await b.join(a.listenAddress!)
        try await c.join(a.listenAddress!)
        try await eventually("a sees b and c joined and up") {
            let events = first.events
            return [b.name, c.name].allSatisfy { events.contains(.joined($0)) && events.contains(.up($0)) }
        }
        // c crashes: its connections close, so a sees it down, and the overlay keeps it as a member
        // (reconnecting) until it is removed.
        await c.kill()
        try await eventually("a sees c down") {
            first.events.contains { if case .down(c.name, _) = $0 { true } else { false } }
        }
        #expect(a.membershipSnapshot().first { $0.node == c.name }?.state == .connecting)
        await a.leave(c.name)
        try await eventually("a sees c left") { first.events.contains(.left(c.name)) }
        // b leaves gracefully.
        await b.shutdown()
        try await eventually("a sees b down and left, in \(first.events)") {
            let events = first.events
            return events.contains(.left(b.name))
                && events.contains { if case .down(b.name, _) = $0 { true } else { false } }
        }
        try await eventually("both subscribers saw the same") { second.events == first.events }
        #expect(!first.events.contains { $0.node == a.name })
        #expect(a.membershipSnapshot() == [Member(node: a.name, state: .local)])
    }

    @Test func the_snapshot_lists_members_with_their_state() async throws {
        let nodes = try await startEventNodes(2)
        let (a, b) = (nodes[0], nodes[1])
        defer { Task { for node in nodes { await node.kill() } } }
        #expect(a.membershipSnapshot() == [Member(node: a.name, state: .local)])
        try await b.join(a.listenAddress!)
        try await eventually("a lists b up") {
            a.membershipSnapshot() == [Member(node: a.name, state: .local), Member(node: b.name, state: .up)]
        }
    }

    @Test func a_cancelled_or_abandoned_subscription_is_forgotten() async throws {
        let nodes = try await startEventNodes(2)
        let (a, b) = (nodes[0], nodes[1])
        defer { Task { for node in nodes { await node.kill() } } }
        let cancelled = EventCollector(a.membershipEvents())
        do {
            // Made and dropped without being iterated.
            _ = a.membershipEvents()
        }
        // A loop left with `break` (here `return`) once it has what it wants; nothing else
        // holds its sequence.
        let broken: Task<Bool, Never> = {
            let events = a.membershipEvents()
            return Task {
                for await event in events where event == .up(b.name) { return true }
                return false
            }
        }()
        #expect(a.membershipSubscriberCount == 2)
        try await b.join(a.listenAddress!)
        #expect(await broken.value)
        cancelled.task.cancel()
        await cancelled.task.value
        #expect(cancelled.isFinished)
        try await eventually("every subscription is gone") { a.membershipSubscriberCount == 0 }
    }

    @Test func a_slow_subscriber_keeps_the_newest_events_and_learns_how_many_it_lost() async throws {
        let nodes = try await startEventNodes(4)
        let a = nodes[0]
        defer { Task { for node in nodes { await node.kill() } } }
        let events = a.membershipEvents(bufferLimit: 2)
        let everything = EventCollector(a.membershipEvents())
        for node in nodes.dropFirst() { try await node.join(a.listenAddress!) }
        // Three joins and three ups, for a buffer of two: every subscriber gets each event at
        // once, so once the unbounded one has them all, the slow one has dropped four.
        try await eventually("a saw three joins and three ups") { everything.events.count >= 6 }
        var iterator = events.makeAsyncIterator()
        guard case .overflow(let dropped) = await iterator.next() else {
            Issue.record("the first event read is not the overflow")
            return
        }
        #expect(dropped >= 4)
        #expect(await iterator.next() != nil)
        #expect(await iterator.next() != nil)
    }

    @Test func subscriptions_end_when_the_node_stops() async throws {
        let nodes = try await startEventNodes(1)
        let a = nodes[0]
        let collector = EventCollector(a.membershipEvents())
        await a.shutdown()
        await collector.task.value
        #expect(collector.isFinished)
        // A subscription made after the node stopped ends at once.
        var late = a.membershipEvents().makeAsyncIterator()
        #expect(await late.next() == nil)
    }
}
