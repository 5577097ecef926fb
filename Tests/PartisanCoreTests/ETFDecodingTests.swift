import Testing

@testable import PartisanCore

@Suite struct ETFDecodingTests {
    let node: Node = "a@h"

    @Test func round_trips_every_kind_of_term() throws {
        let terms: [Term] = [
            0, 255, 256, -1, .integer(.max), .integer(.min), Term(integer: UInt64.max),
            Term(integer: BigInteger(isNegative: true, magnitude: [UInt8](repeating: 7, count: 400))),
            1.5, .float(-2.25e-300), "ok", "héllo", "日本", .binary([]), .binary([0, 255]),
            [], .charlist("abc"), [256, 1000], [.tuple([]), "a", [1]], .improperList([1, 2], tail: "t"),
            .tuple([]), .tuple(Array(repeating: 1, count: 300)), [:], ["a": 1, 2: [3.0: .tuple([])]],
            .pid(Pid(node: node, id: 85, serial: 7, creation: 3)), .ref(Ref(node: node, creation: 2, words: (1, 2, 3))),
        ]
        for term in terms {
            #expect(try ETF.decode(ETF.encode(term)) == term, "\(term)")
            #expect(try ETF.decode(ETF.encode(term, options: .init(atomEncoding: .utf8))) == term, "\(term)")
        }
    }

    @Test func decodes_older_atom_pid_and_reference_forms() throws {
        #expect(try ETF.decode([131, 115, 2, 111, 107]) == "ok")  // SMALL_ATOM_EXT
        #expect(try ETF.decode([131, 118, 0, 2, 111, 107]) == "ok")  // ATOM_UTF8_EXT
        // PID_EXT: one-byte creation.
        let pid: [UInt8] = [131, 103, 100, 0, 3, 97, 64, 104, 0, 0, 0, 1, 0, 0, 0, 2, 3]
        #expect(try ETF.decode(pid) == .pid(Pid(node: node, id: 1, serial: 2, creation: 3)))
        // NEW_REFERENCE_EXT with 2 words: zero-padded to 3.
        let newRef: [UInt8] = [131, 114, 0, 2, 100, 0, 3, 97, 64, 104, 1, 0, 0, 0, 5, 0, 0, 0, 6]
        #expect(try ETF.decode(newRef) == .ref(Ref(node: node, creation: 1, words: (5, 6, 0))))
        // REFERENCE_EXT: one word, one-byte creation.
        let oldRef: [UInt8] = [131, 101, 100, 0, 3, 97, 64, 104, 0, 0, 0, 9, 2]
        #expect(try ETF.decode(oldRef) == .ref(Ref(node: node, creation: 2, words: (9, 0, 0))))
    }

    @Test func decodes_the_old_string_FLOAT_EXT() throws {
        var bytes: [UInt8] = [131, 99] + Array("1.50000000000000000000e+00".utf8)
        bytes += [UInt8](repeating: 0, count: 31 - 26)
        #expect(try ETF.decode(bytes) == 1.5)
    }

    @Test func normalises_small_big_integers_to_integer() throws {
        #expect(try ETF.decode([131, 110, 2, 0, 1, 0]) == 1)
        #expect(try ETF.decode([131, 110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 128]) == .integer(.min))
    }

    @Test func rejects_unsupported_tags_by_name() {
        #expect(throws: ETFError.unsupportedTag(113, name: "EXPORT_EXT", at: 1)) { try ETF.decode([131, 113]) }
        #expect(throws: ETFError.unsupportedTag(77, name: "BIT_BINARY_EXT", at: 1)) { try ETF.decode([131, 77, 0]) }
        #expect(throws: ETFError.unsupportedTag(80, name: "compressed term", at: 1)) { try ETF.decode([131, 80, 0]) }
        #expect(throws: ETFError.unknownTag(1, at: 1)) { try ETF.decode([131, 1]) }
    }

    @Test func rejects_bad_versions_truncation_and_trailing_bytes() {
        #expect(throws: ETFError.badVersion(nil)) { try ETF.decode([]) }
        #expect(throws: ETFError.badVersion(130)) { try ETF.decode([130, 97, 1]) }
        #expect(throws: ETFError.truncated(at: 1, needed: 1)) { try ETF.decode([131]) }
        #expect(throws: ETFError.truncated(at: 2, needed: 4)) { try ETF.decode([131, 98]) }
        #expect(throws: ETFError.trailingBytes(count: 1, at: 3)) { try ETF.decode([131, 97, 1, 0]) }
    }

    @Test func rejects_lengths_the_input_cannot_hold() {
        #expect(throws: ETFError.lengthTooLarge(0xFFFF_FFFF, at: 6)) { try ETF.decode([131, 109, 255, 255, 255, 255]) }
        #expect(throws: ETFError.self) { try ETF.decode([131, 108, 255, 255, 255, 255, 106]) }
        #expect(throws: ETFError.self) { try ETF.decode([131, 116, 127, 255, 255, 255, 97, 1]) }
        #expect(throws: ETFError.self) { try ETF.decode([131, 105, 255, 255, 255, 255]) }
        #expect(throws: ETFError.self) { try ETF.decode([131, 111, 255, 255, 255, 255, 0]) }
    }

    @Test func rejects_invalid_nodes_floats_maps_and_references() {
        let fooPid: [UInt8] = [131, 88, 100, 0, 3, 102, 111, 111, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]
        #expect(throws: ETFError.invalidNode("foo", at: 2)) { try ETF.decode(fooPid) }
        #expect(throws: ETFError.self) { try ETF.decode([131, 70, 127, 240, 0, 0, 0, 0, 0, 0]) }  // infinity
        #expect(throws: ETFError.duplicateMapKey(at: 10)) {
            try ETF.decode([131, 116, 0, 0, 0, 2, 97, 1, 97, 2, 97, 1, 97, 3])
        }
        let fiveWords: [UInt8] = [131, 90, 0, 5, 100, 0, 3, 97, 64, 104] + [UInt8](repeating: 0, count: 24)
        #expect(throws: ETFError.unsupportedReference(words: 5, at: 2)) { try ETF.decode(fiveWords) }
        #expect(throws: ETFError.invalidUTF8(at: 3)) { try ETF.decode([131, 119, 1, 0xFF]) }
    }

    @Test func rejects_atoms_over_255_characters_as_erlang_does() throws {
        // Found by the etf fuzz target: such an atom decoded, and its term could not be
        // encoded again (Tests/Fuzz/Corpus/etf/crash-atom-over-255-characters).
        let latin1 = [UInt8](repeating: UInt8(ascii: "a"), count: 256)
        #expect(throws: ETFError.malformed("atom of 256 characters", at: 4)) {
            try ETF.decode([131, 100, 1, 0] + latin1)
        }
        #expect(try ETF.decode([131, 100, 0, 255] + latin1.dropLast()) == .atom(String(repeating: "a", count: 255)))
        let accented = Array(String(repeating: "é", count: 255).utf8)
        #expect(try ETF.decode([131, 118, 1, 254] + accented) == .atom(String(repeating: "é", count: 255)))
        #expect(throws: ETFError.malformed("atom of 256 characters", at: 4)) {
            try ETF.decode([131, 118, 2, 0] + accented + Array("é".utf8))
        }
    }

    @Test func flattens_lists_whose_tail_is_a_list() throws {
        // [1 | [2]] written as LIST_EXT 1 with a STRING_EXT tail.
        #expect(try ETF.decode([131, 108, 0, 0, 0, 1, 97, 1, 107, 0, 1, 2]) == [1, 2])
    }
}
