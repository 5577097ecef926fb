/// A term prepared for Erlang's term order: the entries of each map inside it sorted once.
///
/// Comparing two maps needs their entries in map-key order, and a `[Term: Term]` keeps none.
/// Sorting them at every comparison made each comparison of maps that hold maps re-sort the
/// inner ones, over and over (a 90 KB term of maps keyed by maps took 80 s to encode). An
/// `OrderedTerm` sorts each map once, bottom up, so comparing or sorting terms costs
/// O(n log n) in their size. Parts without a map stay `plain` (no copy): they compare as
/// ``Term/compare(_:_:)`` does, which sorts nothing there.
enum OrderedTerm {
    /// A term with no map inside.
    case plain(Term)
    /// A tuple with a map inside.
    case tuple([OrderedTerm])
    /// A list with a map inside: non-empty elements, and the tail of an improper list (`nil`
    /// for a proper list).
    indirect case list([OrderedTerm], tail: OrderedTerm?)
    /// A map, its entries in map-key order.
    case map([Entry])

    /// A map's entry.
    struct Entry {
        let key: OrderedTerm
        let value: OrderedTerm
    }

    init(_ term: Term) {
        switch term {
        case .tuple(let elements):
            self = Self.prepared(elements).map { .tuple($0) } ?? .plain(term)
        case .list(let elements):
            self = Self.prepared(elements).map { .list($0, tail: nil) } ?? .plain(term)
        case .improperList(let elements, let tail):
            let preparedTail = OrderedTerm(tail)
            if let prepared = Self.prepared(elements) {
                self = .list(prepared, tail: preparedTail)
            } else if case .plain = preparedTail {
                self = .plain(term)
            } else {
                self = .list(elements.map { .plain($0) }, tail: preparedTail)
            }
        case .map(let map):
            var entries = map.map { Entry(key: OrderedTerm($0.key), value: OrderedTerm($0.value)) }
            entries.sort { Self.compare($0.key, $1.key, mapKeys: true) < 0 }
            self = .map(entries)
        default:
            self = .plain(term)
        }
    }

    /// The prepared elements, or `nil` when none holds a map (then nothing is allocated).
    private static func prepared(_ elements: [Term]) -> [OrderedTerm]? {
        var result: [OrderedTerm]?
        for (i, element) in elements.enumerated() {
            let prepared = OrderedTerm(element)
            if result == nil {
                if case .plain = prepared { continue }
                result = []
                result!.reserveCapacity(elements.count)
                result!.append(contentsOf: elements[..<i].lazy.map { .plain($0) })
            }
            result!.append(prepared)
        }
        return result
    }

    /// The entries of `map` in map-key order, each with its key prepared (once).
    static func sortedEntries<Value>(of map: [Term: Value]) -> [(key: Term, value: Value, order: OrderedTerm)] {
        var entries = map.map { (key: $0.key, value: $0.value, order: OrderedTerm($0.key)) }
        entries.sort { compare($0.order, $1.order, mapKeys: true) < 0 }
        return entries
    }

    private var typeRank: Int {
        switch self {
        case .plain(let term): term.typeRank
        case .tuple: Term.tuple([]).typeRank
        case .list: Term.list([.list([])]).typeRank
        case .map: Term.map([:]).typeRank
        }
    }

    /// Three-way term order, as ``Term/compare(_:_:)``; `mapKeys` as in
    /// ``Term/mapKeyOrder(_:_:)``.
    static func compare(_ lhs: OrderedTerm, _ rhs: OrderedTerm, mapKeys: Bool) -> Int {
        if case .plain(let a) = lhs, case .plain(let b) = rhs { return Term.compare(a, b, mapKeys: mapKeys) }
        let (l, r) = (lhs.typeRank, rhs.typeRank)
        if l != r { return l < r ? -1 : 1 }
        // Same rank, not both plain: two tuples, two non-empty lists or two maps (a map is
        // never plain).
        switch (lhs, rhs) {
        case (.map(let a), .map(let b)):
            if a.count != b.count { return a.count < b.count ? -1 : 1 }
            for (x, y) in zip(a, b) {
                let c = compare(x.key, y.key, mapKeys: true)
                if c != 0 { return c }
            }
            for (x, y) in zip(a, b) {
                let c = compare(x.value, y.value, mapKeys: false)
                if c != 0 { return c }
            }
            return 0
        default:
            if let a = lhs.tupleElements, let b = rhs.tupleElements {
                if a.count != b.count { return a.count < b.count ? -1 : 1 }
                return compareElements(a, b, mapKeys: mapKeys) ?? 0
            }
            let (a, aTail) = lhs.consCells
            let (b, bTail) = rhs.consCells
            if let c = compareElements(a, b, mapKeys: mapKeys) { return c }
            // One list ran out of cells: its tail compares with the other's remaining list.
            let restA = a.count > b.count ? OrderedTerm.list(Array(a[b.count...]), tail: aTail) : aTail ?? .plain([])
            let restB = b.count > a.count ? OrderedTerm.list(Array(b[a.count...]), tail: bTail) : bTail ?? .plain([])
            return compare(restA, restB, mapKeys: mapKeys)
        }
    }

    /// The first difference between elements at the same index, if any.
    private static func compareElements(_ a: [OrderedTerm], _ b: [OrderedTerm], mapKeys: Bool) -> Int? {
        for (x, y) in zip(a, b) {
            let c = compare(x, y, mapKeys: mapKeys)
            if c != 0 { return c }
        }
        return nil
    }

    private var tupleElements: [OrderedTerm]? {
        switch self {
        case .tuple(let elements): elements
        case .plain(.tuple(let elements)): elements.map { .plain($0) }
        default: nil
        }
    }

    /// The elements and the tail (`nil` for `[]`) of a list, or no elements and the term.
    private var consCells: ([OrderedTerm], OrderedTerm?) {
        switch self {
        case .list(let elements, let tail): (elements, tail)
        case .plain(.list(let elements)): (elements.map { .plain($0) }, nil)
        case .plain(.improperList(let elements, let tail)): (elements.map { .plain($0) }, .plain(tail))
        default: ([], self)
        }
    }
}
