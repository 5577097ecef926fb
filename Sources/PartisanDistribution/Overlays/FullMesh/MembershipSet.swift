import PartisanCore

/// The membership of a full-mesh cluster as a state-based CRDT: an add-wins map from node
/// name to that node's ``MembershipSet/Entry`` (Partisan's `partisan_membership_set`, an
/// AWMap of name → node spec).
///
/// Every write is tagged with a unique *dot* (the writing replica and its counter). A key's
/// value is held by its live dots; the set also keeps a *causal context*: every dot it has
/// seen, live or removed. Removing a key drops its live dots (they stay in the context), so a
/// concurrent add (a dot the remover never saw) survives a merge: **add wins**. Writing a key
/// again drops its observed dots first, so a node that restarts with a new address or
/// creation *replaces* its entry instead of adding a second one. ``merge(_:)`` keeps a dot
/// that is live on both sides or live on one side and unseen by the other, and unites the
/// contexts: commutative, associative, idempotent.
///
/// The context is compact: per replica, the highest counter below which every dot has been
/// seen, plus the few dots seen beyond it (a replica's dots reach others in order, so that
/// cloud is almost always empty). It grows with the number of replicas (node incarnations)
/// ever seen, not with the number of writes.
package struct MembershipSet: Hashable, Sendable {
    /// A unique write tag: the replica that wrote (`name#creation`, so a restarted node never
    /// reuses its former dots) and that replica's counter.
    package struct Dot: Hashable, Sendable, Comparable {
        /// The replica that wrote: `name#creation`.
        package var replica: String
        /// The replica's counter, from 1, one per write.
        package var counter: UInt64

        package static func < (a: Dot, b: Dot) -> Bool {
            (a.replica, a.counter) < (b.replica, b.counter)
        }
    }

    /// What the set holds for one node: how to reach it and which incarnation it is.
    package struct Entry: Hashable, Sendable {
        /// The node's name, listen addresses and channels.
        package var spec: NodeSpec
        /// The incarnation that wrote the entry.
        package var creation: UInt32

        /// Creates an entry.
        package init(spec: NodeSpec, creation: UInt32) {
            self.spec = spec
            self.creation = creation
        }
    }

    /// Live dots per node name.
    private(set) var dots: [Node: [Dot: Entry]] = [:]
    /// The causal context, compact part: per replica, every counter up to this one was seen.
    private(set) var seenThrough: [String: UInt64] = [:]
    /// The causal context, the dots seen beyond ``seenThrough``.
    private(set) var seenBeyond: Set<Dot> = []

    /// An empty set.
    package init() {}

    /// Sets `node`'s entry, replacing every value this replica has seen for it.
    package mutating func add(_ entry: Entry, by replica: String) {
        remove(entry.spec.node)
        // The replica's next counter: one past every dot of it seen so far.
        var dot = Dot(replica: replica, counter: (seenThrough[replica] ?? 0) + 1)
        while hasSeen(dot) { dot.counter += 1 }
        dots[entry.spec.node, default: [:]][dot] = entry
        see(dot)
    }

    /// Removes `node`: drops every dot seen for it (a concurrent add survives).
    package mutating func remove(_ node: Node) {
        dots[node] = nil
    }

    /// Whether `dot` is in the causal context.
    func hasSeen(_ dot: Dot) -> Bool {
        dot.counter <= seenThrough[dot.replica] ?? 0 || seenBeyond.contains(dot)
    }

    /// Adds `dot` to the causal context.
    private mutating func see(_ dot: Dot) {
        guard !hasSeen(dot) else { return }
        seenBeyond.insert(dot)
        compact()
    }

    /// Folds the dots of ``seenBeyond`` that extend a replica's contiguous run into
    /// ``seenThrough``.
    private mutating func compact() {
        var advanced = true
        while advanced {
            advanced = false
            for dot in seenBeyond where dot.counter <= (seenThrough[dot.replica] ?? 0) + 1 {
                seenThrough[dot.replica] = max(seenThrough[dot.replica] ?? 0, dot.counter)
                seenBeyond.remove(dot)
                advanced = true
            }
        }
    }

    /// Merges `other` into this set (the CRDT join).
    package mutating func merge(_ other: MembershipSet) {
        var merged: [Node: [Dot: Entry]] = [:]
        for node in Set(dots.keys).union(other.dots.keys) {
            let mine = dots[node] ?? [:]
            let theirs = other.dots[node] ?? [:]
            var live: [Dot: Entry] = [:]
            for (dot, entry) in mine where theirs[dot] != nil || !other.hasSeen(dot) { live[dot] = entry }
            for (dot, entry) in theirs where live[dot] == nil && !hasSeen(dot) { live[dot] = entry }
            if !live.isEmpty { merged[node] = live }
        }
        dots = merged
        for (replica, through) in other.seenThrough where through > seenThrough[replica] ?? 0 {
            seenThrough[replica] = through
        }
        seenBeyond.formUnion(other.seenBeyond.filter { !hasSeen($0) })
        seenBeyond = seenBeyond.filter { $0.counter > seenThrough[$0.replica] ?? 0 }
        compact()
    }

    /// The merge of two sets.
    package func merging(_ other: MembershipSet) -> MembershipSet {
        var result = self
        result.merge(other)
        return result
    }

    /// The entry of `node`: of concurrent values, the one with the greatest dot (the same
    /// choice on every replica).
    package func entry(of node: Node) -> Entry? {
        dots[node]?.max { $0.key < $1.key }?.value
    }

    /// All entries of `node`, including concurrent ones (more than one only until a writer
    /// that saw them all replaces them).
    package func entries(of node: Node) -> [Entry] {
        (dots[node] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }

    /// The member names, sorted.
    package var nodes: [Node] { dots.keys.sorted() }

    /// The replicas (`name#creation`) of `node`'s incarnations whose writes the causal context
    /// holds, live or removed.
    func replicas(of node: Node) -> Set<String> {
        let prefix = "\(node.name)#"
        return Set(seenThrough.keys.filter { $0.hasPrefix(prefix) })
            .union(seenBeyond.lazy.map(\.replica).filter { $0.hasPrefix(prefix) })
    }

    /// Equality of the replicated state.
    package static func == (a: MembershipSet, b: MembershipSet) -> Bool {
        a.dots == b.dots && a.seenThrough == b.seenThrough && a.seenBeyond == b.seenBeyond
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(dots)
        hasher.combine(seenThrough)
        hasher.combine(seenBeyond)
    }
}

/// The wire form: `#{entries => [{Name, Replica, Counter, Creation, Spec}],
/// context => [{Replica, Counter}], cloud => [{Replica, Counter}]}` (the causal context: every
/// dot of `Replica` up to `Counter`, plus the dots listed in `cloud`).
extension MembershipSet {
    /// The set as a term.
    package var term: Term {
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
        let context: [Term] = seenThrough.sorted { $0.key < $1.key }.map {
            .tuple([.binary(Array($0.key.utf8)), .integer(Int64($0.value))])
        }
        let cloud: [Term] = seenBeyond.sorted().map {
            .tuple([.binary(Array($0.replica.utf8)), .integer(Int64($0.counter))])
        }
        return .map([.atom("entries"): .list(entries), .atom("context"): .list(context), .atom("cloud"): .list(cloud)])
    }

    /// Decodes a set from ``term``; `nil` when malformed.
    package init?(term: Term) {
        guard case .map(let map) = term, case .list(let entries)? = map[.atom("entries")],
            case .list(let context)? = map[.atom("context")], case .list(let cloud)? = map[.atom("cloud")]
        else { return nil }
        self.init()
        for item in entries {
            guard case .tuple(let f) = item, f.count == 5, let dot = Self.dot(f[1], f[2]),
                case .integer(let creation) = f[3], let creation = UInt32(exactly: creation),
                let spec = try? NodeSpec(term: f[4])
            else { return nil }
            dots[spec.node, default: [:]][dot] = Entry(spec: spec, creation: creation)
        }
        for item in context {
            guard case .tuple(let f) = item, f.count == 2, let dot = Self.dot(f[0], f[1]) else { return nil }
            seenThrough[dot.replica] = dot.counter
        }
        for item in cloud {
            guard case .tuple(let f) = item, f.count == 2, let dot = Self.dot(f[0], f[1]) else { return nil }
            seenBeyond.insert(dot)
        }
        // Every live dot is seen (a state from a peer always says so; this keeps a malformed
        // one from resurrecting removed dots later).
        for dot in dots.values.flatMap(\.keys) { see(dot) }
    }

    private static func dot(_ replica: Term, _ counter: Term) -> Dot? {
        guard case .binary(let bytes) = replica, let replica = String(validating: bytes, as: UTF8.self),
            case .integer(let n) = counter, let n = UInt64(exactly: n)
        else { return nil }
        return Dot(replica: replica, counter: n)
    }
}
