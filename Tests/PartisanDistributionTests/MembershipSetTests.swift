import PartisanCore
import PartisanDistribution
import Testing

/// The full mesh's membership CRDT: merge is a join (commutative, associative, idempotent),
/// a restarted node replaces its entry, and a concurrent add beats a remove.
@Suite struct MembershipSetTests {
    static func entry(_ name: Node, port: Int, creation: UInt32 = 1) -> MembershipSet.Entry {
        .init(
            spec: NodeSpec(node: name, listenAddresses: [ListenAddress(host: "127.0.0.1", port: port)]),
            creation: creation)
    }

    /// Three replicas that each wrote something, with one remove.
    static func replicas() -> [MembershipSet] {
        var a = MembershipSet()
        a.add(entry("a@h", port: 1), by: "a#1")
        var b = a
        b.add(entry("b@h", port: 2), by: "b#1")
        var c = b
        c.remove("a@h")
        c.add(entry("c@h", port: 3), by: "c#1")
        a.add(entry("d@h", port: 4), by: "a#1")
        return [a, b, c]
    }

    /// Random adds and removes on three replicas, merged in random orders: every replica
    /// ends with the same state, and the causal context stays one counter per replica.
    @Test func replicas_converge_and_the_context_stays_compact() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var replicas = [MembershipSet(), MembershipSet(), MembershipSet()]
            let names: [Node] = ["a@h", "b@h", "c@h", "d@h"]
            for step in 0..<300 {
                let i = Int.random(in: 0..<3, using: &generator)
                let node = names.randomElement(using: &generator)!
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: replicas[i].add(Self.entry(node, port: step), by: "r\(i)#1")
                case 1: replicas[i].remove(node)
                default: replicas[i].merge(replicas[Int.random(in: 0..<3, using: &generator)])
                }
            }
            for i in 0..<3 { for j in 0..<3 { replicas[i].merge(replicas[j]) } }
            for i in 0..<3 { for j in 0..<3 { replicas[i].merge(replicas[j]) } }
            #expect(replicas[0] == replicas[1] && replicas[1] == replicas[2])
            #expect(MembershipSet(term: replicas[0].term) == replicas[0])
            let context = replicas[0].term.mapValue?[.atom("context")]?.listValue?.count
            let cloud = replicas[0].term.mapValue?[.atom("cloud")]?.listValue?.count
            #expect(context == 3 && cloud == 0)
        }
    }

    @Test func merge_is_commutative_associative_and_idempotent() {
        let r = Self.replicas()
        for x in r {
            #expect(x.merging(x) == x)
            for y in r {
                #expect(x.merging(y) == y.merging(x))
                for z in r { #expect(x.merging(y).merging(z) == x.merging(y.merging(z))) }
            }
        }
    }

    @Test func a_restarted_node_replaces_its_entry() {
        var cluster = MembershipSet()
        cluster.add(Self.entry("a@h", port: 1, creation: 1), by: "a#1")
        cluster.add(Self.entry("b@h", port: 2, creation: 7), by: "b#7")
        // b restarts on port 9 with creation 8: it sees its old entry and writes its own.
        var restarted = MembershipSet()
        restarted.add(Self.entry("b@h", port: 9, creation: 8), by: "b#8")
        restarted.merge(cluster)
        #expect(restarted.entries(of: "b@h").count == 2)
        restarted.add(Self.entry("b@h", port: 9, creation: 8), by: "b#8")
        cluster.merge(restarted)
        #expect(cluster.nodes == ["a@h", "b@h"])
        #expect(cluster.entries(of: "b@h") == [Self.entry("b@h", port: 9, creation: 8)])
    }

    @Test func a_concurrent_add_wins_over_a_remove() {
        var base = MembershipSet()
        base.add(Self.entry("x@h", port: 1), by: "a#1")
        var remover = base
        remover.remove("x@h")
        var adder = base
        adder.add(Self.entry("x@h", port: 2, creation: 2), by: "b#1")
        let merged = remover.merging(adder)
        #expect(merged.entry(of: "x@h") == Self.entry("x@h", port: 2, creation: 2))
        #expect(merged == adder.merging(remover))
        // A remove that saw the add removes it.
        var later = merged
        later.remove("x@h")
        #expect(later.merging(merged).nodes.isEmpty)
    }

    @Test func the_term_form_round_trips() {
        for set in Self.replicas() { #expect(MembershipSet(term: set.term) == set) }
        #expect(MembershipSet(term: .atom("nonsense")) == nil)
    }

    @Test func default_timings_declare_a_hung_node_down_within_five_seconds() {
        let defaults = MembershipConfiguration()
        #expect(defaults.gossipInterval == .seconds(1))
        #expect(defaults.suspectAfter + defaults.gossipInterval < .seconds(5))
    }
}
