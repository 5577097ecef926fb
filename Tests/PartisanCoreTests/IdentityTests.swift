import Foundation
import PartisanCore
import Testing

@Suite struct IdentityTests {
    @Test func node_names_need_one_at_sign_and_a_colon_only_in_an_ipv6_host() throws {
        let name = "a@127.0.0.1"
        #expect(Node(name)?.shortName == "a")
        #expect(Node(name)?.host == "127.0.0.1")
        for good in ["a@::1", "a@fd00::5", "a@::ffff:10.0.0.1", "a@2001:db8:0:0:0:0:2:1", "app@pod-3.app.ns.svc"] {
            #expect(Node(good) != nil, "\(good) should be accepted")
        }
        #expect(Node("a@fd00::5").host == "fd00::5")
        for bad in [
            "a", "@host", "a@", "a@b@c", "a b@host", "", "a:b@host", "a@host:1", "a@[::1]", "a@::1::2",
            "a@1:2:3", "a@::1%eth0", "a@:::",
        ] {
            #expect(Node(bad) == nil, "\(bad) should be rejected")
            #expect(throws: IdentityError.invalidNode(bad)) { try Node(validating: bad) }
        }
    }

    @Test func node_names_reject_any_whitespace_and_more_than_255_bytes() {
        for bad in ["a\t@h", "a@h\n", "a@h\r", "a\u{0B}@h", "a\u{0C}@h", "a\u{A0}@h", "a@h\u{2003}", "a\u{85}@h"] {
            #expect(Node(bad) == nil, "\(bad.debugDescription) should be rejected")
        }
        let accented = "é@hôte"
        #expect(Node(accented)?.shortName == "é")
        #expect(Node(String(repeating: "a", count: 253) + "@h") != nil)
        #expect(Node(String(repeating: "a", count: 254) + "@h") == nil)
        #expect(Node(String(repeating: "é", count: 127) + "@h") == nil)
    }

    @Test func pid_prints_and_parses_in_partisan_uri_form() throws {
        let pid = Pid(node: "a@127.0.0.1", id: 1062, serial: 0, creation: 7)
        #expect(pid.description == "partisan:pid:a@127.0.0.1:0.1062.0:7")
        #expect(try Pid(parsing: pid.description) == pid)
        let withoutCreation = try Pid(parsing: "partisan:pid:a@127.0.0.1:0.1062.0")
        #expect(withoutCreation.id == 1062 && withoutCreation.serial == 0 && withoutCreation.creation == 0)
    }

    @Test func an_ipv6_host_is_in_brackets_in_uri_forms() throws {
        let node: Node = "a@fd00::5"
        let pid = Pid(node: node, id: 1062, serial: 0, creation: 7)
        #expect(pid.description == "partisan:pid:a@[fd00::5]:0.1062.0:7")
        #expect(try Pid(parsing: pid.description) == pid)
        #expect(try Pid(parsing: "partisan:pid:a@[fd00::5]:0.1062.0").node == node)
        let ref = Ref(node: node, creation: 3, words: (1, 2, 3))
        #expect(ref.description == "partisan:ref:a@[fd00::5]:0.1.2.3:3")
        #expect(try Ref(parsing: ref.description) == ref)
        let name = try #require(RegisteredName("counter", on: node))
        #expect(name.description == "partisan:name:a@[fd00::5]:counter")
        #expect(try RegisteredName(parsing: name.description) == name)
        for bad in [
            "partisan:pid:a@[fd00::5]0.1.0:7", "partisan:pid:a@[fd00::5:0.1.0", "partisan:pid:a@fd00::5:0.1.0:7",
            "partisan:pid:a@[nothex::1]:0.1.0", "partisan:pid:a@[fd00::5]:0.1.0:7:8",
        ] {
            #expect(throws: IdentityError.invalidURI(bad)) { try Pid(parsing: bad) }
        }
    }

    @Test func malformed_uris_are_rejected_with_a_clear_error() {
        for bad in [
            "partisan:pid:a@127.0.0.1", "partisan:ref:a@127.0.0.1:0.1.2.3", "partisan:pid:a:0.1.2",
            "partisan:pid:a@h:1.2.3", "partisan:pid:a@h:0.x.3", "pid:a@h:0.1.2", "partisan:pid:a@h:0.1.2:c",
            "partisan:pid:a@h:0.99999999999.2",
        ] {
            #expect(throws: IdentityError.invalidURI(bad)) { try Pid(parsing: bad) }
        }
    }

    @Test func ref_prints_and_parses_in_partisan_uri_form() throws {
        let ref = Ref(node: "b@host", creation: 3, words: (1, 2, 3))
        #expect(ref.description == "partisan:ref:b@host:0.1.2.3:3")
        #expect(try Ref(parsing: ref.description) == ref)
        #expect(throws: IdentityError.self) { try Ref(parsing: "partisan:ref:b@host:0.1.2") }
    }

    @Test func registered_name_prints_and_parses_in_partisan_uri_form() throws {
        let name = try #require(RegisteredName("counter", on: "a@127.0.0.1"))
        #expect(name.description == "partisan:name:a@127.0.0.1:counter")
        #expect(try RegisteredName(parsing: name.description) == name)
        #expect(RegisteredName("with:colon", on: "a@h") == nil)
        #expect(RegisteredName("", on: "a@h") == nil)
    }

    @Test func identities_have_a_codable_form() throws {
        let pid = Pid(node: "a@h", id: 5, serial: 1, creation: 9)
        let ref = Ref(node: "a@h", creation: 9, words: (4, 5, 6))
        let name = try #require(RegisteredName("srv", on: "a@h"))
        #expect(try roundTrip(pid) == pid)
        #expect(try roundTrip(ref) == ref)
        #expect(try roundTrip(name) == name)
        #expect(try roundTrip(Node("a@h")) == Node("a@h"))
    }

    @Test func a_restarted_node_never_reuses_pids_or_refs_of_an_earlier_incarnation() {
        let first = ProcessRuntime(node: "n@h")
        let second = ProcessRuntime(node: "n@h")
        #expect(first.creation != second.creation)
        let a = first.spawn { _ in }
        let b = second.spawn { _ in }
        #expect(a != b)
        #expect(first.makeRef() != second.makeRef())
    }

    @Test func refs_are_unique() {
        let runtime = ProcessRuntime(node: "n@h")
        let refs = (0..<10_000).map { _ in runtime.makeRef() }
        #expect(Set(refs).count == refs.count)
    }
}

/// A JSON round trip of `value` (wrapped in an array, as a top-level fragment).
private func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
    try JSONDecoder().decode([T].self, from: JSONEncoder().encode([value]))[0]
}
