import Testing

@testable import PartisanCore

/// Bad bytes throw ``ETFError`` and never trap or allocate without bound.
@Suite struct ETFRobustnessTests {
    /// A small deterministic generator (SplitMix64) so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let sample: Term = [
        "ok": .tuple(["reply", 1, -70000, 1.5, .string("héllo")]),
        "list": [.charlist("abc"), [256, .bigInteger(BigInteger(UInt64.max))], .improperList(["a"], tail: "b")],
        .binary([1, 2, 3]): .pid(Pid(node: "a@h", id: 1, serial: 2, creation: 3)),
        "ref": .ref(Ref(node: "a@h", creation: 1, words: (4, 5, 6))),
        "日本": [:],
    ]

    /// Decoding either succeeds or throws ETFError; anything else (a trap) fails the run.
    func decodeOrThrow(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try ETF.decode(bytes)
            return true
        } catch {
            return false
        }
    }

    @Test func random_bytes_throw_or_decode() {
        var rng = SeededGenerator(state: 1)
        for _ in 0..<5000 {
            let count = Int.random(in: 0..<64, using: &rng)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if !bytes.isEmpty && Bool.random(using: &rng) { bytes[0] = 131 }
            _ = decodeOrThrow(bytes)
        }
    }

    @Test func random_tag_streams_throw_or_decode() {
        // Bytes drawn mostly from valid tags reach deeper into the decoder than pure noise.
        let tags: [UInt8] = [
            70, 88, 90, 97, 98, 99, 100, 101, 103, 104, 105, 106, 107, 108, 109, 110, 111, 114, 115, 116, 118, 119,
        ]
        var rng = SeededGenerator(state: 2)
        for _ in 0..<5000 {
            var bytes: [UInt8] = [131]
            for _ in 0..<Int.random(in: 1..<40, using: &rng) {
                bytes.append(
                    Bool.random(using: &rng) ? tags.randomElement(using: &rng)! : UInt8.random(in: 0...4, using: &rng))
            }
            _ = decodeOrThrow(bytes)
        }
    }

    @Test func mutated_valid_encodings_throw_or_decode() throws {
        let valid = try ETF.encode(Self.sample)
        #expect(try ETF.decode(valid) == Self.sample)
        var rng = SeededGenerator(state: 3)
        for _ in 0..<5000 {
            var bytes = valid
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1:
                bytes.removeLast(Int.random(in: 1..<bytes.count, using: &rng))
            case 2:
                bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 1...bytes.count, using: &rng))
            default:
                bytes[Int.random(in: 1..<bytes.count, using: &rng)] = 255
            }
            _ = decodeOrThrow(bytes)
        }
        // Every truncation of a valid encoding is an error.
        for length in 0..<valid.count {
            #expect(!decodeOrThrow(Array(valid.prefix(length))))
        }
    }

    @Test func huge_declared_lengths_throw_without_allocating() {
        for tag: UInt8 in [105, 108, 109, 111, 116] {
            #expect(throws: ETFError.self) { try ETF.decode([131, tag, 255, 255, 255, 255, 0, 0]) }
        }
        #expect(throws: ETFError.self) { try ETF.decode([131, 107, 255, 255, 1]) }
        #expect(throws: ETFError.self) { try ETF.decode([131, 118, 255, 255, 1]) }
    }

    @Test func nested_headers_cannot_each_reserve_the_rest_of_the_input() throws {
        // Found by the handshake fuzz target (Tests/Fuzz/Corpus/handshake/crash-nested-tuple-headers):
        // tuples of arity 104 nested 60 deep, each of whose arity the remaining bytes could
        // hold alone, made a 297-byte frame reserve 245 KB. The inner header must leave room
        // for the 103 elements the outer one still has to read.
        let nested: [UInt8] = [131] + [UInt8](repeating: 104, count: 120) + [UInt8](repeating: 97, count: 110)
        #expect(throws: ETFError.lengthTooLarge(104, at: 7)) { try ETF.decode(nested) }
        // A list of 5 elements, or a map of 3 pairs, first in a list of 3: 7 bytes are left,
        // of which the outer list still needs 3.
        for (inner, count): ([UInt8], Int) in [([108, 0, 0, 0, 5], 5), ([116, 0, 0, 0, 3], 3)] {
            #expect(throws: ETFError.lengthTooLarge(count, at: 11)) {
                try ETF.decode([131, 108, 0, 0, 0, 3] + inner + [97, 1, 97, 1, 97, 1, 106])
            }
        }
        // What fits decodes: a tuple of 2 whose first element is a tuple of 2.
        #expect(try ETF.decode([131, 104, 2, 104, 2, 97, 1, 97, 2, 97, 3]) == .tuple([.tuple([1, 2]), 3]))
        let sample = try ETF.encode(Self.sample)
        #expect(try ETF.decode(sample) == Self.sample)
    }

    @Test func deep_nesting_throws_nestingTooDeep() {
        let depth = 100_000
        let lists = [UInt8](repeating: 108, count: 1) + [0, 0, 0, 1]
        var bytes: [UInt8] = [131]
        bytes.reserveCapacity(depth * 5 + 2)
        for _ in 0..<depth { bytes += lists }
        bytes.append(106)
        #expect(throws: ETFError.nestingTooDeep(limit: 512)) { try ETF.decode(bytes) }
        var tuples: [UInt8] = [131] + [UInt8](repeating: 0, count: 0)
        for _ in 0..<depth { tuples += [104, 1] }
        tuples.append(106)
        #expect(throws: ETFError.nestingTooDeep(limit: 512)) { try ETF.decode(tuples) }
        var maps: [UInt8] = [131]
        for _ in 0..<depth { maps += [116, 0, 0, 0, 1, 97, 1] }
        maps.append(106)
        #expect(throws: ETFError.nestingTooDeep(limit: 512)) { try ETF.decode(maps) }
    }

    @Test func nesting_up_to_the_limit_decodes() throws {
        var term: Term = []
        for _ in 0..<511 { term = .tuple([term]) }
        #expect(try ETF.decode(ETF.encode(term)) == term)
    }
}
