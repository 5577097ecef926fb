import Testing

@testable import PartisanCore

/// Byte-exact expectations, checked against OTP 25's `term_to_binary/1`.
@Suite struct ETFEncodingTests {
    let node: Node = "a@h"

    func bytes(_ term: Term, _ options: ETF.EncodingOptions = .init()) throws -> [UInt8] {
        try ETF.encode(term, options: options)
    }

    @Test func encodes_small_integers_as_SMALL_INTEGER_EXT() throws {
        #expect(try bytes(0) == [131, 97, 0])
        #expect(try bytes(255) == [131, 97, 255])
    }

    @Test func encodes_32_bit_integers_as_INTEGER_EXT() throws {
        #expect(try bytes(256) == [131, 98, 0, 0, 1, 0])
        #expect(try bytes(-1) == [131, 98, 255, 255, 255, 255])
        #expect(try bytes(.integer(Int64(Int32.min))) == [131, 98, 128, 0, 0, 0])
    }

    @Test func encodes_wider_integers_as_SMALL_BIG_EXT() throws {
        #expect(try bytes(.integer(1 << 31)) == [131, 110, 4, 0, 0, 0, 0, 128])
        #expect(try bytes(.integer(-(1 << 31) - 1)) == [131, 110, 4, 1, 1, 0, 0, 128])
        #expect(try bytes(Term(integer: UInt64(1) << 63)) == [131, 110, 8, 0, 0, 0, 0, 0, 0, 0, 0, 128])
        let twoTo64 = Term(integer: BigInteger(isNegative: false, magnitude: [0, 0, 0, 0, 0, 0, 0, 0, 1]))
        #expect(try bytes(twoTo64) == [131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    }

    @Test func encodes_integers_over_255_bytes_as_LARGE_BIG_EXT() throws {
        let big = Term(integer: BigInteger(isNegative: true, magnitude: [UInt8](repeating: 0, count: 300) + [1]))
        let encoded = try bytes(big)
        #expect(Array(encoded.prefix(7)) == [131, 111, 0, 0, 1, 45, 1])
        #expect(encoded.count == 7 + 301)
    }

    @Test func normalises_big_integers_that_fit_in_64_bits() throws {
        #expect(try bytes(.bigInteger(BigInteger(Int64(5)))) == [131, 97, 5])
    }

    @Test func encodes_floats_as_NEW_FLOAT_EXT() throws {
        #expect(try bytes(1.5) == [131, 70, 63, 248, 0, 0, 0, 0, 0, 0])
        #expect(try bytes(.float(-0.0)) == [131, 70, 128, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func refuses_non_finite_floats() {
        #expect(throws: ETFError.self) { try bytes(.float(.nan)) }
        #expect(throws: ETFError.self) { try bytes(.float(.infinity)) }
    }

    @Test func encodes_latin1_atoms_as_ATOM_EXT_like_OTP_25() throws {
        #expect(try bytes("ok") == [131, 100, 0, 2, 111, 107])
        #expect(try bytes("héllo") == [131, 100, 0, 5, 104, 233, 108, 108, 111])
    }

    @Test func encodes_other_atoms_as_SMALL_ATOM_UTF8_EXT() throws {
        #expect(try bytes("日本") == [131, 119, 6, 230, 151, 165, 230, 156, 172])
        #expect(try bytes("ok", .init(atomEncoding: .utf8)) == [131, 119, 2, 111, 107])
        let long = Term.atom(String(repeating: "日", count: 100))
        #expect(Array(try bytes(long).prefix(4)) == [131, 118, 1, 44])
    }

    @Test func refuses_atoms_over_255_characters() {
        #expect(throws: ETFError.self) { try bytes(.atom(String(repeating: "a", count: 256))) }
    }

    @Test func encodes_binaries_as_BINARY_EXT() throws {
        #expect(try bytes(.binary([1, 2])) == [131, 109, 0, 0, 0, 2, 1, 2])
        #expect(try bytes(.string("")) == [131, 109, 0, 0, 0, 0])
    }

    @Test func encodes_byte_lists_as_STRING_EXT_and_others_as_LIST_EXT() throws {
        #expect(try bytes(.charlist("abc")) == [131, 107, 0, 3, 97, 98, 99])
        #expect(try bytes([256]) == [131, 108, 0, 0, 0, 1, 98, 0, 0, 1, 0, 106])
        #expect(try bytes([]) == [131, 106])
        let long = Term.list(Array(repeating: 1, count: 65536))
        #expect(Array(try bytes(long).prefix(8)) == [131, 108, 0, 1, 0, 0, 97, 1])
    }

    @Test func encodes_improper_lists_with_their_tail() throws {
        #expect(try bytes(.improperList([1], tail: 2)) == [131, 108, 0, 0, 0, 1, 97, 1, 97, 2])
        #expect(throws: ETFError.self) { try bytes(.improperList([], tail: 2)) }
        #expect(throws: ETFError.self) { try bytes(.improperList([1], tail: [2])) }
    }

    @Test func encodes_tuples_as_SMALL_or_LARGE_TUPLE_EXT() throws {
        #expect(try bytes(.tuple([])) == [131, 104, 0])
        #expect(try bytes(.tuple(["ok", 1])) == [131, 104, 2, 100, 0, 2, 111, 107, 97, 1])
        #expect(Array(try bytes(.tuple(Array(repeating: 0, count: 300))).prefix(6)) == [131, 105, 0, 0, 1, 44])
    }

    @Test func encodes_map_keys_in_erlang_map_key_order() throws {
        // OTP: term_to_binary(#{2 => a, 1.0 => b}) puts integers before floats.
        #expect(
            try bytes([2: "a", 1.0: "b"]) == [
                131, 116, 0, 0, 0, 2, 97, 2, 100, 0, 1, 97, 70, 63, 240, 0, 0, 0, 0, 0, 0, 100, 0, 1, 98,
            ])
        #expect(
            try bytes(["b": 1, "a": 2, "é": 3, "z": 4])
                == [
                    131, 116, 0, 0, 0, 4, 100, 0, 1, 97, 97, 2, 100, 0, 1, 98, 97, 1, 100, 0, 1, 122, 97, 4, 100, 0, 1,
                    233, 97, 3,
                ])
    }

    @Test func encodes_pids_as_NEW_PID_EXT() throws {
        let pid = Pid(node: node, id: 1, serial: 2, creation: 3)
        #expect(try bytes(.pid(pid)) == [131, 88, 100, 0, 3, 97, 64, 104, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3])
    }

    @Test func encodes_refs_as_NEWER_REFERENCE_EXT() throws {
        let ref = Ref(node: node, creation: 1, words: (1, 2, 3))
        #expect(
            try bytes(.ref(ref))
                == [131, 90, 0, 3, 100, 0, 3, 97, 64, 104, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3])
    }

    @Test func appends_into_an_existing_buffer() throws {
        var buffer: [UInt8] = [9, 9]
        try ETF.encode(1, appendingTo: &buffer)
        #expect(buffer == [9, 9, 131, 97, 1])
    }

    @Test func refuses_to_encode_deeper_than_the_limit() {
        var term: Term = []
        for _ in 0..<20 { term = .tuple([term]) }
        #expect(throws: ETFError.nestingTooDeep(limit: 10)) { try bytes(term, .init(maxDepth: 10)) }
    }
}
