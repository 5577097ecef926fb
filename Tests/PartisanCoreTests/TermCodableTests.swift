import Foundation
import Testing

@testable import PartisanCore

@Suite struct TermCodableTests {
    struct Person: Codable, Equatable {
        var name: String
        var age: Int
        var nickname: String?
        var tags: [String]
        var scores: [String: Double]
        var byId: [Int: Bool]
        var avatar: Data
        var raw: [UInt8]
        var big: UInt64
    }

    enum Command: Codable, Equatable {
        case get
        case add(Int)
        case pair(Int, String)
        case move(x: Int, y: Int)
        case mixed(Int, label: String)
        case nested(Person?)
    }

    enum Color: String, Codable { case red, green }

    let encoder = TermEncoder()
    let decoder = TermDecoder()
    let node: Node = "a@h"

    func roundTrip<T: Codable & Equatable>(_ value: T) throws -> Term {
        let term = try encoder.encode(value)
        #expect(try decoder.decode(T.self, from: term) == value)
        #expect(try decoder.decode(T.self, fromETF: encoder.encodeETF(value)) == value)
        return term
    }

    var person: Person {
        Person(
            name: "Bob", age: 42, nickname: nil, tags: ["a"], scores: ["x": 1.5], byId: [7: true],
            avatar: Data([1, 2]), raw: [3], big: .max)
    }

    @Test func encodes_structs_as_maps_with_atom_keys_and_omits_nil_fields() throws {
        let term = try roundTrip(person)
        let expected: Term = [
            "name": .string("Bob"), "age": 42, "tags": [.string("a")], "scores": [.string("x"): 1.5],
            "byId": [7: "true"], "avatar": .binary([1, 2]), "raw": .binary([3]), "big": Term(integer: UInt64.max),
        ]
        #expect(term == expected)
    }

    @Test func encodes_enum_cases_as_atoms_tagged_tuples_or_maps() throws {
        #expect(try roundTrip(Command.get) == "get")
        #expect(try roundTrip(Command.add(1)) == .tuple(["add", 1]))
        #expect(try roundTrip(Command.pair(1, "s")) == .tuple(["pair", 1, .string("s")]))
        #expect(try roundTrip(Command.move(x: 1, y: 2)) == ["move": ["x": 1, "y": 2]])
        #expect(try roundTrip(Command.mixed(1, label: "l")) == ["mixed": ["_0": 1, "label": .string("l")]])
        #expect(try roundTrip(Command.nested(person)) == .tuple(["nested", try encoder.encode(person)]))
        _ = try roundTrip(Command.nested(nil))
        #expect(try roundTrip(Color.red) == .string("red"))
    }

    @Test func decodes_the_faithful_enum_map_form_too() throws {
        #expect(try decoder.decode(Command.self, from: ["add": ["_0": 5]]) == .add(5))
        #expect(try decoder.decode(Command.self, from: ["get": [:]]) == .get)
    }

    @Test func encodes_nil_in_arrays_as_undefined() throws {
        #expect(try roundTrip([1, nil, 3] as [Int?]) == [1, "undefined", 3])
        #expect(try decoder.decode([Int?].self, from: [1, "nil"]) == [1, nil])
    }

    @Test func encodes_identities_natively_and_decodes_their_uris() throws {
        let pid = Pid(node: node, id: 1, serial: 2, creation: 3)
        let ref = Ref(node: node, creation: 1, words: (1, 2, 3))
        #expect(try roundTrip(pid) == .pid(pid))
        #expect(try roundTrip(ref) == .ref(ref))
        #expect(try roundTrip(node) == .atom("a@h"))
        #expect(try decoder.decode(Pid.self, from: .string(pid.description)) == pid)
        #expect(try decoder.decode(Ref.self, from: .string(ref.description)) == ref)
        #expect(try decoder.decode(Node.self, from: .string("a@h")) == node)
        #expect(throws: DecodingError.self) { try decoder.decode(Node.self, from: "foo") }
        let term: Term = .tuple(["any", [1]])
        #expect(try roundTrip(term) == term)
        #expect(try roundTrip([pid: 1] as [Pid: Int]) == [.pid(pid): 1])
    }

    @Test func reads_strings_from_binaries_atoms_and_charlists_and_fields_from_binary_keys() throws {
        #expect(try decoder.decode(String.self, from: "ok") == "ok")
        #expect(try decoder.decode(String.self, from: .charlist("héllo")) == "héllo")
        #expect(try decoder.decode(Double.self, from: 2) == 2.0)
        struct Named: Codable, Equatable { var name: String }
        #expect(try decoder.decode(Named.self, from: [.string("name"): .string("x")]) == Named(name: "x"))
    }

    @Test func reports_shape_mismatches_with_the_coding_path() throws {
        do {
            _ = try decoder.decode(Person.self, from: ["name": 1])
            Issue.record("expected an error")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["name"])
        }
        do {
            _ = try decoder.decode(Person.self, from: ["name": .string("x")])
            Issue.record("expected an error")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "age")
        }
        #expect(throws: DecodingError.self) { try decoder.decode([Int].self, from: [1, .string("x")]) }
        #expect(throws: DecodingError.self) { try decoder.decode(UInt8.self, from: 300) }
        #expect(throws: DecodingError.self) { try decoder.decode([String: Int].self, from: [1]) }
        #expect(throws: DecodingError.self) { try decoder.decode(Command.self, from: 1) }
        #expect(throws: ETFError.self) { try decoder.decode(Int.self, fromETF: [131]) }
    }

    @Test func refuses_non_finite_floats_with_encoding_errors() {
        #expect(throws: EncodingError.self) { try encoder.encode([Double.nan]) }
    }

    @Test func term_round_trips_through_json_as_its_etf_bytes() throws {
        let term: Term = .tuple(["ok", .string("x")])
        let json = try JSONEncoder().encode(term)
        #expect(try JSONDecoder().decode(Term.self, from: json) == term)
    }
}
