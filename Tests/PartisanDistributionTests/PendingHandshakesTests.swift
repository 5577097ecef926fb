import Testing

@testable import PartisanDistribution

@Suite struct PendingHandshakesTests {
    @Test func below_the_caps_nothing_is_displaced() {
        var pending = PendingHandshakes<Int>(limit: 4, limitPerAddress: 2)
        #expect(pending.add(from: "a", 1).displaced == nil)
        #expect(pending.add(from: "a", 2).displaced == nil)
        #expect(pending.add(from: "b", 3).displaced == nil)
        #expect(pending.count == 3 && pending.count(from: "a") == 2)
    }

    @Test func an_address_at_its_cap_loses_its_own_oldest_handshake() {
        var pending = PendingHandshakes<Int>(limit: 10, limitPerAddress: 2)
        _ = pending.add(from: "a", 1)
        _ = pending.add(from: "a", 2)
        #expect(pending.add(from: "a", 3).displaced == 1)
        #expect(pending.add(from: "a", 4).displaced == 2)
        #expect(pending.count == 2)
    }

    @Test func at_the_node_cap_the_address_holding_the_most_loses_its_oldest() {
        var pending = PendingHandshakes<String>(limit: 4, limitPerAddress: 4)
        _ = pending.add(from: "attacker", "x1")
        _ = pending.add(from: "peer", "p1")
        _ = pending.add(from: "attacker", "x2")
        _ = pending.add(from: "attacker", "x3")
        // Full: a newcomer from a third address displaces the attacker's oldest, not the peer.
        #expect(pending.add(from: "client", "c1").displaced == "x1")
        #expect(pending.count == 4 && pending.count(from: "peer") == 1 && pending.count(from: "client") == 1)
    }

    @Test func removing_a_displaced_or_finished_handshake_counts_it_once() {
        var pending = PendingHandshakes<Int>(limit: 10, limitPerAddress: 1)
        let first = pending.add(from: "a", 1)
        let second = pending.add(from: "a", 2)
        #expect(second.displaced == 1)
        pending.remove(first.id, from: "a")  // displaced already: nothing
        #expect(pending.count == 1)
        pending.remove(second.id, from: "a")
        pending.remove(second.id, from: "a")
        #expect(pending.count == 0 && pending.count(from: "a") == 0)
    }
}
