extension Term: Comparable {
    /// Erlang's term order: number < atom < reference < pid < tuple < map < [] < list < binary.
    ///
    /// Integers and floats compare by value (`1 < 1.5`); where Erlang calls them equal
    /// (`1 == 1.0`) the integer sorts first so the order stays total and consistent with `==`.
    /// Atoms compare by their UTF-8 text, tuples by size then elements, maps by size then keys
    /// then values (keys in map-key order, see ``Term/compare(_:_:)``), lists element by
    /// element, binaries byte by byte. Pids order by serial, id, node, creation and references
    /// by node, creation, then words from the last, as OTP does.
    public static func < (lhs: Term, rhs: Term) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// Three-way Erlang term order: negative, zero or positive as `lhs` sorts before, equal to
    /// or after `rhs` (zero exactly when `lhs == rhs`).
    public static func compare(_ lhs: Term, _ rhs: Term) -> Int {
        compare(lhs, rhs, mapKeys: false)
    }

    /// The order of keys inside a map (and of `term_to_binary`'s small maps): term order,
    /// except that every integer sorts before every float.
    static func mapKeyOrder(_ lhs: Term, _ rhs: Term) -> Int {
        compare(lhs, rhs, mapKeys: true)
    }

    var typeRank: Int {
        switch self {
        case .integer, .bigInteger, .float: 0
        case .atom: 1
        case .ref: 2
        case .pid: 5
        case .tuple: 6
        case .map: 7
        case .list(let elements): elements.isEmpty ? 8 : 9
        case .improperList: 9
        case .binary: 10
        }
    }

    /// Three-way term order; `mapKeys` sorts every integer before every float, as inside a map.
    static func compare(_ lhs: Term, _ rhs: Term, mapKeys: Bool) -> Int {
        let (l, r) = (lhs.typeRank, rhs.typeRank)
        if l != r { return l < r ? -1 : 1 }
        switch (lhs, rhs) {
        case (.atom(let a), .atom(let b)):
            return a == b ? 0 : (a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1)
        case (.binary(let a), .binary(let b)):
            return a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
        case (.tuple(let a), .tuple(let b)):
            if a.count != b.count { return a.count < b.count ? -1 : 1 }
            return compareElements(a, b, mapKeys: mapKeys)
        case (.map, .map):
            // Both sides' maps, and the maps inside them, sorted once each.
            return OrderedTerm.compare(OrderedTerm(lhs), OrderedTerm(rhs), mapKeys: mapKeys)
        case (.pid(let a), .pid(let b)):
            return order((a.serial, a.id), (b.serial, b.id)) ?? order(a.node, b.node) ?? order(a.creation, b.creation)
                ?? 0
        case (.ref(let a), .ref(let b)):
            return order(a.node, b.node) ?? order(a.creation, b.creation)
                ?? order((a.words.2, a.words.1, a.words.0), (b.words.2, b.words.1, b.words.0)) ?? 0
        case (.list(let a), .list(let b)) where a.isEmpty && b.isEmpty:
            // Two `[]`: the end of two equal lists (as cons cells, `[]` would compare its tail
            // `[]` with the other's forever).
            return 0
        default:
            if l == 0 { return compareNumbers(lhs, rhs, mapKeys: mapKeys) }
            return compareLists(lhs, rhs, mapKeys: mapKeys)
        }
    }

    private static func order<T: Comparable>(_ a: T, _ b: T) -> Int? {
        a == b ? nil : (a < b ? -1 : 1)
    }

    private static func order<A: Comparable, B: Comparable>(_ a: (A, B), _ b: (A, B)) -> Int? {
        order(a.0, b.0) ?? order(a.1, b.1)
    }

    private static func order<A: Comparable, B: Comparable, C: Comparable>(_ a: (A, B, C), _ b: (A, B, C)) -> Int? {
        order(a.0, b.0) ?? order(a.1, b.1) ?? order(a.2, b.2)
    }

    private static func compareElements(_ a: [Term], _ b: [Term], mapKeys: Bool) -> Int {
        for (x, y) in zip(a, b) {
            let c = compare(x, y, mapKeys: mapKeys)
            if c != 0 { return c }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Lists, improper lists and `[]`, compared as cons cells: head by head, then tails.
    private static func compareLists(_ lhs: Term, _ rhs: Term, mapKeys: Bool) -> Int {
        let (a, aTail) = lhs.consCells
        let (b, bTail) = rhs.consCells
        for (x, y) in zip(a, b) {
            let c = compare(x, y, mapKeys: mapKeys)
            if c != 0 { return c }
        }
        // One list ran out of cells: its tail compares with the other's remaining list.
        let restA: Term = a.count > b.count ? Term.rebuild(Array(a[b.count...]), aTail) : aTail
        let restB: Term = b.count > a.count ? Term.rebuild(Array(b[a.count...]), bTail) : bTail
        return compare(restA, restB, mapKeys: mapKeys)
    }

    private var consCells: ([Term], Term) {
        switch self {
        case .list(let elements): (elements, .list([]))
        case .improperList(let elements, let tail): (elements, tail)
        default: ([], self)
        }
    }

    private static func rebuild(_ elements: [Term], _ tail: Term) -> Term {
        if case .list([]) = tail { return .list(elements) }
        return .improperList(elements, tail: tail)
    }

    private static func compareNumbers(_ lhs: Term, _ rhs: Term, mapKeys: Bool) -> Int {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): return order(a, b) ?? 0
        case (.float(let a), .float(let b)): return order(a, b) ?? 0
        case (.integer, .bigInteger), (.bigInteger, .integer), (.bigInteger, .bigInteger):
            return order(lhs.bigValue!, rhs.bigValue!) ?? 0
        case (.float(let a), _):
            if mapKeys { return 1 }
            return -compareIntegerWithFloat(rhs, a)
        case (_, .float(let b)):
            if mapKeys { return -1 }
            return compareIntegerWithFloat(lhs, b)
        default: return 0
        }
    }

    /// Integer against float by value; an integer equal in value to the float sorts first.
    private static func compareIntegerWithFloat(_ integer: Term, _ float: Double) -> Int {
        let big = integer.bigValue!
        let asDouble = big.doubleValue
        if asDouble != float { return asDouble < float ? -1 : 1 }
        // Rounding may hide a difference: compare exactly when the float is integral.
        guard float.magnitude < 0x1p1023, float == float.rounded() else { return -1 }
        let floatBig = BigInteger(exactIntegral: float)
        return order(big, floatBig) ?? -1
    }

    var bigValue: BigInteger? {
        switch self {
        case .integer(let value): BigInteger(value)
        case .bigInteger(let big): big
        default: nil
        }
    }
}

extension BigInteger {
    /// The exact value of an integral, finite double.
    init(exactIntegral value: Double) {
        var magnitude: [UInt8] = []
        var rest = value.magnitude
        while rest >= 1 {
            let byte = rest.truncatingRemainder(dividingBy: 256)
            magnitude.append(UInt8(byte))
            rest = (rest - byte) / 256
        }
        self.init(isNegative: value < 0, magnitude: magnitude)
    }
}
