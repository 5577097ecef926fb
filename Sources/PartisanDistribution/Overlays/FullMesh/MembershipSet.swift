import PartisanCore

/// The membership of a full-mesh cluster as a state-based CRDT: an add-wins map from node
/// name to that node's ``MembershipSet/Entry`` (Partisan's `partisan_membership_set`, an
/// AWMap of name → node spec).
///
/// Every write is tagged with a unique *dot* (the writing replica and its counter). A key's
/// value is held by its live dots; removing a key tombstones the dots the remover has seen,
/// so a concurrent add (a dot it has not seen) survives: **add wins**. Writing a key again
/// tombstones its observed dots first, so a node that restarts with a new address or creation
/// *replaces* its entry instead of adding a second one. ``merge(_:)`` is the join of two
/// states (union of dots minus union of tombstones): commutative, associative, idempotent.
///
/// Tombstones are kept forever (no causal-context compaction yet): one per write, which is
/// small for the join/leave rates of a cluster.
public struct MembershipSet: Hashable, Sendable {
    /// A unique write tag: the replica that wrote (`name#creation`, so a restarted node never
    /// reuses its former dots) and that replica's counter.
    public struct Dot: Hashable, Sendable, Comparable {
        public var replica: String
        public var counter: UInt64

        public static func < (a: Dot, b: Dot) -> Bool {
            (a.replica, a.counter) < (b.replica, b.counter)
        }
    }

    /// What the set holds for one node: how to reach it and which incarnation it is.
    public struct Entry: Hashable, Sendable {
        /// The node's name, listen addresses and channels.
        public var spec: NodeSpec
        /// The incarnation that wrote the entry.
        public var creation: UInt32

        /// Creates an entry.
        public init(spec: NodeSpec, creation: UInt32) {
            self.spec = spec
            self.creation = creation
        }
    }

    /// Live dots per node name.
    private(set) var dots: [Node: [Dot: Entry]] = [:]
    /// Dots that were removed.
    private(set) var tombstones: Set<Dot> = []
    /// This replica's last counter (local; not merged: dots name their replica).
    private var counter: UInt64 = 0

    /// An empty set.
    public init() {}

    /// Sets `node`'s entry, replacing every value this replica has seen for it.
    public mutating func add(_ entry: Entry, by replica: String) {
        remove(entry.spec.node)
        counter += 1
        dots[entry.spec.node, default: [:]][Dot(replica: replica, counter: counter)] = entry
    }

    /// Removes `node`: tombstones every dot seen for it (a concurrent add survives).
    public mutating func remove(_ node: Node) {
        guard let seen = dots.removeValue(forKey: node) else { return }
        tombstones.formUnion(seen.keys)
    }

    /// Merges `other` into this set (the CRDT join).
    public mutating func merge(_ other: MembershipSet) {
        tombstones.formUnion(other.tombstones)
        for (node, entries) in other.dots {
            dots[node, default: [:]].merge(entries) { mine, _ in mine }
        }
        for node in Array(dots.keys) {
            dots[node] = dots[node]!.filter { !tombstones.contains($0.key) }
            if dots[node]!.isEmpty { dots[node] = nil }
        }
    }

    /// The merge of two sets.
    public func merging(_ other: MembershipSet) -> MembershipSet {
        var result = self
        result.merge(other)
        return result
    }

    /// The entry of `node`: of concurrent values, the one with the greatest dot (the same
    /// choice on every replica).
    public func entry(of node: Node) -> Entry? {
        dots[node]?.max { $0.key < $1.key }?.value
    }

    /// All entries of `node`, including concurrent ones (more than one only until a writer
    /// that saw them all replaces them).
    public func entries(of node: Node) -> [Entry] {
        (dots[node] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }

    /// The member names, sorted.
    public var nodes: [Node] { dots.keys.sorted() }

    /// Equality of the replicated state (the local counter is not part of it).
    public static func == (a: MembershipSet, b: MembershipSet) -> Bool {
        a.dots == b.dots && a.tombstones == b.tombstones
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(dots)
        hasher.combine(tombstones)
    }
}

/// The wire form: `#{entries => [{Name, Replica, Counter, Creation, Spec}],
/// tombstones => [{Replica, Counter}]}`.
extension MembershipSet {
    /// The set as a term.
    public var term: Term {
        var entries: [Term] = []
        for (node, live) in dots.sorted(by: { $0.key < $1.key }) {
            for (dot, entry) in live.sorted(by: { $0.key < $1.key }) {
                entries.append(
                    .tuple([
                        .atom(node.name), .binary(Array(dot.replica.utf8)), .integer(Int64(dot.counter)),
                        .integer(Int64(entry.creation)), entry.spec.term,
                    ]))
            }
        }
        let removed: [Term] = tombstones.sorted().map {
            .tuple([.binary(Array($0.replica.utf8)), .integer(Int64($0.counter))])
        }
        return .map([.atom("entries"): .list(entries), .atom("tombstones"): .list(removed)])
    }

    /// Decodes a set from ``term``; `nil` when malformed.
    public init?(term: Term) {
        guard case .map(let map) = term, case .list(let entries)? = map[.atom("entries")],
            case .list(let removed)? = map[.atom("tombstones")]
        else { return nil }
        self.init()
        for item in entries {
            guard case .tuple(let f) = item, f.count == 5, let dot = Self.dot(f[1], f[2]),
                case .integer(let creation) = f[3], let creation = UInt32(exactly: creation),
                let spec = try? NodeSpec(term: f[4])
            else { return nil }
            dots[spec.node, default: [:]][dot] = Entry(spec: spec, creation: creation)
        }
        for item in removed {
            guard case .tuple(let f) = item, f.count == 2, let dot = Self.dot(f[0], f[1]) else { return nil }
            tombstones.insert(dot)
        }
    }

    private static func dot(_ replica: Term, _ counter: Term) -> Dot? {
        guard case .binary(let bytes) = replica, let replica = String(validating: bytes, as: UTF8.self),
            case .integer(let n) = counter, let n = UInt64(exactly: n)
        else { return nil }
        return Dot(replica: replica, counter: n)
    }
}
