import PartisanCore
import PartisanTestSupport
import Testing

/// Our ETF against a real Erlang's `term_to_binary/1` and `binary_to_term/1`, both ways.
///
/// Skipped when `erl` is not on PATH (`scripts/install-erlang.sh` installs it on CI).
@Suite(
    .enabled(
        if: ErlangOracle.isAvailable, "erl not on PATH: run scripts/install-erlang.sh to check against real Erlang"))
struct ErlangInteropTests {
    struct Row {
        let source: String
        let term: Term
        /// Large maps are hash-ordered in Erlang, so only their meaning is compared.
        var sameBytes = true
    }

    struct Profile: Codable {
        var name: String
        var age: Int
        var tags: [String]
        var owner: Pid
        var command: Command
        enum Command: Codable {
            case get
            case add(Int)
        }
    }

    static let local: Node = "nonode@nohost"

    static var rows: [Row] {
        let pid = Pid(node: local, id: 85, serial: 0, creation: 0)
        let ref = Ref(node: local, creation: 0, words: (1, 2, 3))
        let bigMap = Term.map(
            Dictionary(uniqueKeysWithValues: (0..<40).map { (Term.integer(Int64($0)), Term.integer(Int64($0))) }))
        var rows: [Row] = [
            Row(source: "0", term: 0), Row(source: "255", term: 255), Row(source: "256", term: 256),
            Row(source: "-1", term: -1), Row(source: "-2147483648", term: .integer(Int64(Int32.min))),
            Row(source: "2147483648", term: .integer(1 << 31)),
            Row(source: "9223372036854775807", term: .integer(.max)),
            Row(source: "-9223372036854775808", term: .integer(.min)),
            Row(
                source: "1 bsl 64",
                term: Term(integer: BigInteger(isNegative: false, magnitude: [0, 0, 0, 0, 0, 0, 0, 0, 1]))),
            Row(
                source: "-(1 bsl 100)",
                term: Term(integer: BigInteger(isNegative: true, magnitude: [UInt8](repeating: 0, count: 12) + [16]))),
            Row(
                source: "(1 bsl 2040) - 1",
                term: Term(integer: BigInteger(isNegative: false, magnitude: [UInt8](repeating: 255, count: 255)))),
            Row(
                source: "1 bsl 2040",
                term: Term(integer: BigInteger(isNegative: false, magnitude: [UInt8](repeating: 0, count: 255) + [1]))),
            Row(source: "0.0", term: 0.0), Row(source: "1.5", term: 1.5), Row(source: "-2.5e-300", term: -2.5e-300),
            Row(source: "1.5e300", term: 1.5e300),
            Row(source: "ok", term: "ok"), Row(source: "'EXIT'", term: "EXIT"), Row(source: "'héllo'", term: "héllo"),
            Row(source: "'日本'", term: "日本"), Row(source: "''", term: ""),
            Row(source: "<<>>", term: .binary([])), Row(source: "<<\"abc\">>", term: .string("abc")),
            Row(source: "list_to_binary(lists:duplicate(1000, 7))", term: .binary([UInt8](repeating: 7, count: 1000))),
            Row(source: "[]", term: []), Row(source: "\"abc\"", term: .charlist("abc")),
            Row(source: "[256, 1000]", term: [256, 1000]),
            Row(source: "[a, {b}, [c]]", term: ["a", .tuple(["b"]), ["c"]]),
            Row(source: "[1, 2 | tail]", term: .improperList([1, 2], tail: "tail")),
            Row(source: "{}", term: .tuple([])),
            Row(source: "{ok, {nested, [1]}}", term: .tuple(["ok", .tuple(["nested", [1]])])),
            Row(source: "list_to_tuple(lists:seq(1, 300))", term: .tuple((1...300).map { .integer(Int64($0)) })),
            Row(source: "#{}", term: [:]), Row(source: "#{a => 1, b => #{c => [2]}}", term: ["a": 1, "b": ["c": [2]]]),
            Row(
                source: "#{1 => a, 1.0 => b, z => c, <<\"k\">> => d, {t} => e, [l] => f, 2 => g}",
                term: [1: "a", 1.0: "b", "z": "c", .string("k"): "d", .tuple(["t"]): "e", ["l"]: "f", 2: "g"]),
            Row(source: "maps:from_list([{I, I} || I <- lists:seq(0, 39)])", term: bigMap, sameBytes: false),
            Row(
                source: "#{#{b => 1} => x, #{a => #{c => 1}} => y, #{a => 1} => z, #{1.5 => a} => w, #{1 => a} => v,"
                    + " #{[#{a => 2}] => 1} => u, #{[#{a => 1} | t] => 1} => s}",
                term: [
                    ["b": 1]: "x", ["a": ["c": 1]]: "y", ["a": 1]: "z", [1.5: "a"]: "w", [1: "a"]: "v",
                    [[["a": 2]]: 1]: "u", [.improperList([["a": 1]], tail: "t"): 1]: "s",
                ]),
            Row(source: "list_to_pid(\"<0.85.0>\")", term: .pid(pid)),
            Row(
                source: "binary_to_term(<<131,90,0,3,100,0,13,\"nonode@nohost\",0:32,1:32,2:32,3:32>>)", term: .ref(ref)
            ),
        ]
        for row in rows where row.sameBytes {
            rows.append(Row(source: "[\(row.source)]", term: [row.term]))
        }
        return rows
    }

    func check(_ rows: [Row], minorVersion: Int?, options: ETF.EncodingOptions) async throws {
        let oracle = try #require(ErlangOracle.find())
        let ours = try rows.map { try ETF.encode($0.term, options: options) }
        let questions = zip(rows, ours).map { ErlangOracle.Question(source: $0.source, ours: $1) }
        let answers = try await oracle.ask(questions, minorVersion: minorVersion)
        for ((row, bytes), answer) in zip(zip(rows, ours), answers) {
            let answer = try answer.get()
            if row.sameBytes { #expect(bytes == answer.termToBinary, "term_to_binary(\(row.source))") }
            #expect(answer.decodesOursExactly, "binary_to_term(ours) =:= \(row.source)")
            #expect(try ETF.decode(answer.termToBinary) == row.term, "decode(term_to_binary(\(row.source)))")
        }
    }

    @Test func matches_term_to_binary_of_OTP_defaults_both_ways() async throws {
        try await check(Self.rows, minorVersion: nil, options: .init())
    }

    @Test func matches_term_to_binary_with_utf8_atoms_both_ways() async throws {
        try await check(Self.rows, minorVersion: 2, options: .init(atomEncoding: .utf8))
    }

    @Test func random_terms_print_as_erlang_source_and_sort_and_encode_as_erlang_does() async throws {
        var rng = ETFRobustnessTests.SeededGenerator(state: 11)
        var rows: [Row] = []
        for _ in 0..<150 {
            // Our description as the source: Erlang must read back the same term (and, maps
            // being small, write the same bytes: keys in the same order at every level).
            let term = RandomTerm.make(depth: 4, using: &rng)
            rows.append(Row(source: term.description(limit: .max), term: term))
            // lists:sort/1 against our sort: `binary_to_term(ours) =:= lists:sort(...)`.
            let terms = (0..<6).map { _ in RandomTerm.make(depth: 3, using: &rng) }
            let source = "lists:sort([" + terms.map { $0.description(limit: .max) }.joined(separator: ", ") + "])"
            rows.append(Row(source: source, term: .list(terms.sorted()), sameBytes: false))
        }
        try await check(rows, minorVersion: nil, options: .init())
    }

    @Test func decodes_chained_list_tails_as_erlang_does() async throws {
        let oracle = try #require(ErlangOracle.find())
        // 600 one-element lists, each the tail of the one before: deeper than the nesting limit.
        var seq: [UInt8] = [131]
        for i in 1...600 { seq += [108, 0, 0, 0, 1, 98, 0, 0, UInt8(i >> 8), UInt8(i & 255)] }
        seq.append(106)
        let chains: [(source: String, bytes: [UInt8])] = [
            ("[1, 2, 99]", [131, 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 1, 97, 2, 107, 0, 1, 99]),
            ("[1, 2 | x]", [131, 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 1, 97, 2, 100, 0, 1, 120]),
            ("5", [131, 108, 0, 0, 0, 0, 97, 5]),
            ("[1]", [131, 108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 0, 106]),
            ("lists:seq(1, 600)", seq),
        ]
        let answers = try await oracle.ask(chains.map { ErlangOracle.Question(source: $0.source, ours: $0.bytes) })
        for (chain, answer) in zip(chains, answers) {
            let answer = try answer.get()
            #expect(answer.decodesOursExactly, "binary_to_term(chain) =:= \(chain.source)")
            #expect(try ETF.decode(chain.bytes) == ETF.decode(answer.termToBinary), "\(chain.source)")
        }
    }

    @Test func encodes_a_codable_struct_as_the_erlang_map_literal() async throws {
        let owner = Pid(node: Self.local, id: 85, serial: 0, creation: 0)
        let profile = Profile(name: "Bob", age: 42, tags: ["a", "b"], owner: owner, command: .add(2))
        let source =
            "#{name => <<\"Bob\">>, age => 42, tags => [<<\"a\">>, <<\"b\">>], owner => list_to_pid(\"<0.85.0>\"), command => {add, 2}}"
        try await check(
            [Row(source: source, term: try TermEncoder().encode(profile))], minorVersion: nil, options: .init())
        let decoded = try TermDecoder().decode(Profile.self, fromETF: TermEncoder().encodeETF(profile))
        #expect(decoded.owner == owner && decoded.name == "Bob")
    }
}
