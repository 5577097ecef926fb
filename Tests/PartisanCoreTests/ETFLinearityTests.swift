import Testing

@testable import PartisanCore

/// Decoding, encoding, ordering and printing terms cost time in proportion to their size: each
/// test builds the input that made a former path quadratic, big enough that the old code took
/// seconds to minutes, and checks the result (no clock is read).
@Suite struct ETFLinearityTests {
    /// `LIST_EXT` headers of one element each, chained through their tails, then `last`.
    static func tailChain(_ segments: Int, last: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [131]
        bytes.reserveCapacity(segments * 7 + last.count + 1)
        for i in 0..<segments { bytes += [108, 0, 0, 0, 1, 97, UInt8(i % 256)] }
        return bytes + last
    }

    static func listHeader(_ count: Int) -> [UInt8] {
        [108] + withUnsafeBytes(of: UInt32(count).bigEndian, Array.init)
    }

    @Test func a_chain_of_list_tails_flattens_into_one_list_in_one_pass() throws {
        // 100,000 tails: deeper than the nesting limit, and the old merge copied the list at
        // every level (an 8 MB frame cost 35 s).
        let segments = 100_000
        let heads = (0..<segments).map { Term.integer(Int64($0 % 256)) }
        #expect(try ETF.decode(Self.tailChain(segments, last: [106])) == .list(heads))
        #expect(try ETF.decode(Self.tailChain(segments, last: [100, 0, 1, 116])) == .improperList(heads, tail: "t"))
        #expect(try ETF.decode(Self.tailChain(segments, last: [107, 0, 2, 7, 8])) == .list(heads + [7, 8]))
        // A short chain in front of a long list, which every level used to copy.
        let long = 200_000
        var bytes = Self.tailChain(500, last: Self.listHeader(long))
        for _ in 0..<long { bytes += [97, 1] }
        bytes.append(106)
        let decoded = try ETF.decode(bytes)
        #expect(decoded.listValue?.count == 500 + long)
        #expect(decoded.listValue?.last == 1)
    }

    @Test func list_tails_decode_as_erlang_builds_them() throws {
        // [1 | [2 | "c"]], [1 | [2 | x]], and an empty LIST_EXT whose tail is the whole term
        // (OTP 25's binary_to_term gives [1,2,99], [1,2|x] and 5).
        #expect(try ETF.decode([131, 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 1, 97, 2, 107, 0, 1, 99]) == [1, 2, 99])
        #expect(
            try ETF.decode([131, 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 1, 97, 2, 100, 0, 1, 120])
                == .improperList([1, 2], tail: "x"))
        #expect(try ETF.decode([131, 108, 0, 0, 0, 0, 97, 5]) == 5)
        #expect(try ETF.decode([131, 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 0, 106]) == [1])
        #expect(throws: ETFError.self) { try ETF.decode([131, 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 2, 97, 2]) }
    }

    /// `levels` maps nested through their keys (`#{#{... => 0} => 0}`) around a list of
    /// `count` small integers.
    static func mapKeyChain(levels: Int, count: Int) -> [UInt8] {
        var bytes: [UInt8] = [131]
        for _ in 0..<levels { bytes += [116, 0, 0, 0, 1] }
        bytes += listHeader(count)
        for _ in 0..<count { bytes += [97, 1] }
        bytes.append(106)
        for _ in 0..<levels { bytes += [97, 0] }
        return bytes
    }

    @Test func map_keys_nest_up_to_the_limit() throws {
        // Each map hashes its whole key once more: 400 levels over 200,000 integers took 6 s.
        let limit = ETF.DecodingOptions().maxMapKeyNesting
        #expect(limit == 8)
        #expect(throws: ETFError.mapKeysNestedTooDeep(limit: limit)) {
            try ETF.decode(Self.mapKeyChain(levels: 400, count: 200_000))
        }
        #expect(throws: ETFError.mapKeysNestedTooDeep(limit: limit)) {
            try ETF.decode(Self.mapKeyChain(levels: limit + 1, count: 1))
        }
        var expected: Term = [1]
        for _ in 0..<limit { expected = .map([expected: 0]) }
        #expect(try ETF.decode(Self.mapKeyChain(levels: limit, count: 1)) == expected)
        let options = ETF.DecodingOptions(maxMapKeyNesting: limit + 1)
        #expect(try ETF.decode(Self.mapKeyChain(levels: limit + 1, count: 1), options: options) == .map([expected: 0]))
        // Maps in values do not count.
        var values: Term = 0
        for _ in 0..<100 { values = .map([0: values]) }
        #expect(try ETF.decode(ETF.encode(values)) == values)
    }

    /// A map of two maps as keys, `depth` levels of them: every comparison of two keys used to
    /// sort the maps inside them again (90 KB took 80 s to encode).
    static func mapsKeyedByMaps(depth: Int) -> Term {
        var a: Term = 0
        var b: Term = 1
        for i in 0..<depth {
            (a, b) = (.map([a: .integer(Int64(i)), b: 1]), .map([b: .integer(Int64(i)), a: 2]))
        }
        return .map([a: 1, b: 2])
    }

    @Test func maps_keyed_by_maps_encode_and_compare_with_one_sort_per_map() throws {
        let term = Self.mapsKeyedByMaps(depth: 12)
        let bytes = try ETF.encode(term)
        #expect(bytes.count > 90_000)
        let decoded = try ETF.decode(bytes, options: .init(maxMapKeyNesting: 16))
        #expect(decoded == term)
        #expect(try ETF.encode(decoded) == bytes)
        #expect(Term.compare(term, decoded) == 0)
        guard case .map(let map) = term else { return }
        let keys = map.keys.sorted()
        #expect(Term.compare(keys[0], keys[1]) < 0 && Term.compare(keys[1], keys[0]) > 0)
    }

    @Test func big_integers_print_in_hexadecimal_above_the_decimal_limit() {
        // A 400 KB integer took tens of seconds to print in decimal.
        let huge = BigInteger(isNegative: true, magnitude: [UInt8](repeating: 0xAB, count: 400_000) + [0x0C])
        let full = huge.description
        #expect(full.utf8.count == 4 + 800_001)
        #expect(full.hasPrefix("-16#CABAB"))
        #expect(full.hasSuffix("ABAB"))
        let printed = Term.bigInteger(huge).description
        #expect(printed.hasPrefix("-16#CABAB"))
        #expect(printed.hasSuffix("… (cut at 4096 bytes; the whole is an integer of 400001 bytes)"))
        // Up to 256 bytes, decimal: 2^2048 - 1 has 617 digits.
        let largestDecimal = BigInteger(isNegative: false, magnitude: [UInt8](repeating: 255, count: 256))
        #expect(largestDecimal.description.count == 617)
        #expect(largestDecimal.description.hasPrefix("3231700607131100730071487668866995196044410266971548"))
        #expect(largestDecimal.description.hasSuffix("1059596230655"))
        let smallestHex = BigInteger(isNegative: false, magnitude: [UInt8](repeating: 0, count: 256) + [1])
        #expect(smallestHex.description == "16#1" + String(repeating: "0", count: 512))
    }

    @Test func descriptions_stop_at_their_limit_with_a_note_of_the_whole() throws {
        let list = Term.list((0..<1_000_000).map { .integer(Int64($0)) })
        let text = list.description
        #expect(text.hasPrefix("[0,1,2,3,"))
        #expect(text.utf8.count < Term.descriptionLimit + 100)
        #expect(text.hasSuffix("… (cut at 4096 bytes; the whole is a list of 1000000 elements)"))
        #expect(
            Term.list([1, 2, 3, 4, 5, 6]).description(limit: 10)
                == "[1,2,3,4,5… (cut at 10 bytes; the whole is a list of 6 elements)")
        #expect(Term.list([1, 2, 3]).description(limit: 7) == "[1,2,3]")

        let binary = Term.binary([UInt8](repeating: 0x41, count: 10_000_000))
        #expect(binary.description.hasPrefix("<<\"AAAA"))
        #expect(binary.description.utf8.count < Term.descriptionLimit + 100)

        // A large map shows its smallest keys, in order, without sorting them all.
        let map = Term.map(Dictionary(uniqueKeysWithValues: (0..<100_000).map { (Term.integer(Int64($0)), 1) }))
        #expect(map.description.hasPrefix("#{0 => 1,1 => 1,2 => 1,3 => 1,"))
        #expect(map.description.hasSuffix("(cut at 4096 bytes; the whole is a map of 100000 entries)"))
    }

    @Test func a_cut_description_is_the_start_of_the_whole() {
        var rng = ETFRobustnessTests.SeededGenerator(state: 7)
        for _ in 0..<300 {
            let term = RandomTerm.make(depth: 4, using: &rng)
            let whole = term.description(limit: .max)
            #expect(whole == term.description(limit: whole.utf8.count))
            let limit = Int.random(in: 0...max(0, whole.utf8.count - 1), using: &rng)
            let cut = term.description(limit: limit)
            guard let mark = cut.range(of: "… (cut at ") else {
                Issue.record("\(cut) has no cut mark")
                continue
            }
            let shown = cut[..<mark.lowerBound]
            #expect(shown.utf8.count <= limit)
            #expect(whole.hasPrefix(shown))
        }
    }
}

/// Random terms for property tests: numbers, atoms, binaries, charlists, tuples, lists,
/// improper lists and maps, with maps as keys.
enum RandomTerm {
    static func make(depth: Int, using rng: inout some RandomNumberGenerator) -> Term {
        let kind = Int.random(in: 0..<(depth > 0 ? 11 : 6), using: &rng)
        switch kind {
        case 0: return .integer(Int64.random(in: -300...300, using: &rng))
        case 1: return .float(Double(Int.random(in: -20...20, using: &rng)) + 0.5)
        case 2: return .atom(["a", "b", "ok", "Z", "é"].randomElement(using: &rng)!)
        case 3:
            return .binary((0..<Int.random(in: 0...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case 4: return .charlist(["hi", "a\"b", ""].randomElement(using: &rng)!)
        case 5:
            return Term(
                integer: BigInteger(isNegative: Bool.random(using: &rng), magnitude: [1, 2, 3, 4, 5, 6, 7, 8, 9]))
        case 6, 7: return .tuple(children(depth, &rng))
        case 8: return .list(children(depth, &rng))
        case 9:
            let elements = children(depth, &rng)
            return elements.isEmpty
                ? .list([]) : .improperList(elements, tail: ["t", 7, 2.5].randomElement(using: &rng)!)
        default:
            var map: [Term: Term] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                map[make(depth: depth - 1, using: &rng)] = make(depth: depth - 1, using: &rng)
            }
            return .map(map)
        }
    }

    private static func children(_ depth: Int, _ rng: inout some RandomNumberGenerator) -> [Term] {
        (0..<Int.random(in: 0...4, using: &rng)).map { _ in make(depth: depth - 1, using: &rng) }
    }
}
