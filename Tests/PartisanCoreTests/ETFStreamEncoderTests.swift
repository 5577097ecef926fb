import Foundation
import Testing

@testable import PartisanCore

/// The direct ETF writer must produce `ETF.encode(TermEncoder().encode(v))` byte for byte,
/// and take the direct path (not the fallback) for ordinary values.
@Suite struct ETFStreamEncoderTests {
    struct Msg: Codable, Equatable {
        var id: Int
        var from: String
    }

    struct Wide: Codable, Equatable {
        var zeta: Int8
        var alpha: [Int]
        var mid: Double?
        var b: [String: [UInt8]]
        var a: [Int: String]
        var nested: [Msg?]
        var flag: Bool
        var big: UInt64
        var data: Data
        var set: Set<Int>
    }

    enum Shape: Codable, Equatable {
        case dot
        case circle(Double)
        case rect(w: Int, h: Int)
        case pair(Int, label: String)
        case many(Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)
        case wrapped(Msg?)
    }

    /// Encodes `value` both ways and checks the bytes agree; returns whether the direct path
    /// produced them.
    @discardableResult
    func check<T: Encodable>(_ value: T, options: ETF.EncodingOptions = .init()) throws -> Bool {
        let reference = try ETF.encode(TermEncoder().encode(value), options: options)
        var direct: [UInt8] = [7]
        let streamed = ETFStreamEncoder.encode(value, appendingTo: &direct, options: options)
        if streamed { #expect(Array(direct.dropFirst()) == reference) } else { #expect(direct == [7]) }
        #expect(try TermEncoder(etfOptions: options).encodeETF(value) == reference)
        return streamed
    }

    @Test func writes_structs_scalars_and_collections_directly() throws {
        #expect(try check(Msg(id: 42, from: "node-a")))
        #expect(try check(Msg(id: -70_000_000_000, from: "")))
        let wide = Wide(
            zeta: -3, alpha: [1, 2, 300], mid: nil, b: ["y": [1], "x": []], a: [3: "c", -1: "m"],
            nested: [Msg(id: 1, from: "x"), nil], flag: true, big: .max, data: Data([9, 8]), set: [5])
        #expect(try check(wide))
        #expect(try check(wide, options: .init(atomEncoding: .utf8)))
        #expect(try check([1, 2, 3]))
        #expect(try check([Int]()))
        #expect(try check(["a", "b"]))
        #expect(try check([[1], [256]]))
        #expect(try check(Optional<Int>.none))
        #expect(try check("héllo"))
        #expect(try check(3.25))
    }

    @Test func writes_enum_cases_as_atoms_tuples_and_maps() throws {
        for shape: Shape in [
            .dot, .circle(1.5), .rect(w: 1, h: 2), .pair(1, label: "l"),
            .many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), .wrapped(nil), .wrapped(Msg(id: 1, from: "a")),
        ] {
            #expect(try check(shape))
            #expect(try check([shape, shape]))
        }
    }

    @Test func writes_identities_and_terms() throws {
        let node: Node = "a@h"
        let pid = Pid(node: node, id: 1, serial: 2, creation: 3)
        #expect(try check(pid))
        #expect(try check(node))
        #expect(try check(Ref(node: node, creation: 1, words: (1, 2, 3))))
        #expect(try check(Term.tuple(["ok", [1, 2]])))
        #expect(try check([pid: 1]))
    }

    @Test func random_values_encode_to_the_same_bytes_both_ways() throws {
        var rng = SplitMix64(seed: 0x5EED)
        func text() -> String {
            let alphabet = Array("abcxyz é→🙂")
            return String((0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        }
        func msg() -> Msg { Msg(id: Int.random(in: -1 << 40...1 << 40, using: &rng), from: text()) }
        for _ in 0..<300 {
            let wide = Wide(
                zeta: Int8.random(in: .min ... .max, using: &rng),
                alpha: (0..<Int.random(in: 0...4, using: &rng)).map { _ in Int.random(in: -300...300, using: &rng) },
                mid: Bool.random(using: &rng) ? nil : Double.random(in: -1e9...1e9, using: &rng),
                b: Dictionary(
                    uniqueKeysWithValues: (0..<Int.random(in: 0...3, using: &rng)).map { i in
                        ("\(text())\(i)", [UInt8(i)])
                    }),
                a: Dictionary(
                    uniqueKeysWithValues: (0..<Int.random(in: 0...3, using: &rng)).map { i in (i * 7 - 5, text()) }),
                nested: (0..<Int.random(in: 0...3, using: &rng)).map { _ in Bool.random(using: &rng) ? msg() : nil },
                flag: Bool.random(using: &rng), big: UInt64.random(in: .min ... .max, using: &rng),
                data: Data((0..<Int.random(in: 0...3, using: &rng)).map { UInt8($0) }),
                set: Set((0..<Int.random(in: 0...3, using: &rng)).map { $0 * 100 }))
            #expect(try check(wide))
            let shapes: [Shape] = [
                .circle(Double.random(in: 0...1, using: &rng)),
                .pair(Int.random(in: 0...999, using: &rng), label: text()), .wrapped(msg()),
            ]
            #expect(try check(shapes))
            let decoded = try TermDecoder().decode(Wide.self, fromETF: TermEncoder().encodeETF(wide))
            #expect(decoded == wide)
        }
    }

    @Test func falls_back_for_non_finite_floats_with_the_same_error() throws {
        #expect(throws: EncodingError.self) { try TermEncoder().encodeETF([Double.nan]) }
        #expect(throws: ETFError.self) { try TermEncoder().encodeETF(Term.atom(String(repeating: "a", count: 300))) }
    }
}

/// A small seeded generator, so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
