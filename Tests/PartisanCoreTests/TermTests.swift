import Testing

@testable import PartisanCore

@Suite struct TermTests {
    let node: Node = "a@h"

    @Test func orders_terms_by_type_as_erlang_does() {
        let ref = Term.ref(Ref(node: node, creation: 1, words: (1, 2, 3)))
        let pid = Term.pid(Pid(node: node, id: 1, serial: 0, creation: 1))
        let sorted: [Term] = [0.5, 1, 2, "a", ref, pid, .tuple([]), [:], [], ["a"], .binary([])]
        #expect(sorted.shuffled().sorted() == sorted)
    }

    @Test func compares_integers_and_floats_by_value() {
        #expect(Term.integer(1) < Term.float(1.5))
        #expect(Term.float(0.5) < Term.integer(1))
        #expect(Term(integer: UInt64.max) > Term.float(1e18))
        #expect(Term.compare(.integer(1), .float(1.0)) < 0)
        #expect(Term.compare(.integer(1), .integer(1)) == 0)
    }

    @Test func orders_map_keys_with_all_integers_before_floats() {
        #expect(Term.mapKeyOrder(2, 1.0) < 0)
        #expect(Term.compare(2, 1.0) > 0)
        // OTP: lists:sort([#{1 => a}, #{1.0 => a}, #{2 => a}]) = [#{1 => a}, #{2 => a}, #{1.0 => a}].
        let maps: [Term] = [[1: "a"], [2: "a"], [1.0: "a"]]
        #expect(maps.reversed().sorted() == maps)
    }

    @Test func orders_pids_by_serial_id_node_creation_and_refs_by_node_creation_words() {
        func pid(_ n: String, _ id: UInt32, _ serial: UInt32, _ creation: UInt32) -> Term {
            .pid(Pid(node: Node(n)!, id: id, serial: serial, creation: creation))
        }
        let pids = [
            pid("a@h", 1, 0, 1), pid("a@h", 1, 0, 2), pid("b@h", 1, 0, 1), pid("a@h", 2, 0, 1), pid("a@h", 1, 1, 1),
        ]
        #expect(pids.reversed().sorted() == pids)
        func ref(_ n: String, _ creation: UInt32, _ w: (UInt32, UInt32, UInt32)) -> Term {
            .ref(Ref(node: Node(n)!, creation: creation, words: w))
        }
        let refs = [
            ref("a@h", 1, (1, 0, 0)), ref("a@h", 1, (2, 0, 0)), ref("a@h", 1, (1, 1, 0)), ref("a@h", 1, (1, 0, 1)),
            ref("a@h", 2, (1, 0, 0)), ref("b@h", 1, (1, 0, 0)),
        ]
        #expect(refs.reversed().sorted() == refs)
    }

    @Test func compares_lists_element_by_element_with_tails() {
        #expect(Term.list([1, 2]) < Term.list([1, 3]))
        #expect(Term.list([1]) < Term.list([1, 2]))
        #expect(Term.improperList([1], tail: 2) < Term.list([1, 2]))  // tail 2 against [2]: number < list
        #expect(Term.binary([1]) < Term.binary([1, 0]))
    }

    @Test func equal_lists_compare_equal_and_sort_as_map_keys() throws {
        // Comparing two equal lists used to recurse until the stack overflowed, so encoding
        // or printing a map whose keys share a list crashed.
        #expect(Term.compare([1, 2], [1, 2]) == 0)
        #expect(Term.compare(.improperList([1], tail: "t"), .improperList([1], tail: "t")) == 0)
        #expect(Term.compare([], []) == 0)
        let map: Term = [.tuple([[1], "b"]): 2, .tuple([[1], "a"]): 1]
        #expect(
            try ETF.encode(map) == [131, 116, 0, 0, 0, 2] + [104, 2, 107, 0, 1, 1, 100, 0, 1, 97, 97, 1]
                + [104, 2, 107, 0, 1, 1, 100, 0, 1, 98, 97, 2])
        #expect(map.description == "#{{[1],a} => 1,{[1],b} => 2}")
    }

    @Test func prints_erlang_syntax() {
        #expect(Term.tuple(["ok", [1, 2]]).description == "{ok,[1,2]}")
        #expect(Term.string("abc").description == "<<\"abc\">>")
        #expect(Term.string("héllo").description == "<<\"héllo\"/utf8>>")
        #expect(Term.binary([0, 255]).description == "<<0,255>>")
        #expect(Term(dictionaryLiteral: ("b", 2), ("a", 1)).description == "#{a => 1,b => 2}")
        #expect(Term.atom("EXIT").description == "'EXIT'")
        #expect(Term.atom("hello world").description == "'hello world'")
        #expect(Term.atom("it's").description == "'it\\'s'")
        #expect(Term.atom("end").description == "'end'")
        #expect(Term.atom("a@h").description == "a@h")
        #expect(Term.charlist("hi").description == "\"hi\"")
        #expect(Term.improperList([1], tail: 2).description == "[1|2]")
        #expect(Term.float(1e-5).description == "1.0e-5")
        #expect(Term.float(1.5e300).description == "1.5e300")
        #expect(Term.float(2).description == "2.0")
        #expect(
            Term(integer: BigInteger(isNegative: true, magnitude: [0, 0, 0, 0, 0, 0, 0, 0, 1])).description
                == "-18446744073709551616")
    }

    @Test func builds_integers_normalised() {
        #expect(Term(integer: BigInteger(Int64(7))) == .integer(7))
        #expect(Term(integer: UInt64.max) == .bigInteger(BigInteger(UInt64.max)))
        #expect(BigInteger(UInt64.max).description == "18446744073709551615")
        #expect(BigInteger(Int64.min).int64Value == Int64.min)
    }

    @Test func accessors_read_the_payload() {
        #expect(Term.atom("ok").atomValue == "ok")
        #expect(Term.integer(3).intValue == 3)
        #expect(Term.bool(true).boolValue == true)
        #expect(Term.charlist("héllo").stringValue == "héllo")
        #expect(Term.string("x").stringValue == "x")
        #expect(Term.integer(3).atomValue == nil)
    }
}
