import Testing

@testable import PartisanCluster

/// The DNS answer parser on hand-built packets, good and hostile: every byte of an answer is
/// the nameserver's (or a spoofer's), so each malformation must be refused, in linear time,
/// without reading out of bounds.
@Suite struct DNSResponseTests {
    static let query = try! DNSQuery(id: 0x1234, name: "_p._tcp.Example.test.", type: .srv)

    /// A message: header (ID, flags, counts), then `body` after the echoed question.
    static func message(
        id: UInt16 = 0x1234, flags: UInt16 = 0x8180, questions: UInt16 = 1, answers: UInt16 = 0,
        authority: UInt16 = 0, additional: UInt16 = 0, question: [UInt8]? = nil, body: [UInt8] = []
    ) -> [UInt8] {
        var bytes = [id, flags, questions, answers, authority, additional].flatMap {
            [UInt8($0 >> 8), UInt8($0 & 0xFF)]
        }
        bytes += question ?? (name("_p._tcp.example.test") + [0, 33, 0, 1])
        return bytes + body
    }

    /// `text`'s labels, uncompressed, with the root.
    static func name(_ text: String) -> [UInt8] {
        text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    /// A record: owner `owner` (raw bytes), `type`, class IN, TTL 5, `data`.
    static func record(_ owner: [UInt8], type: UInt16, _ data: [UInt8]) -> [UInt8] {
        owner + [
            UInt8(type >> 8), UInt8(type & 0xFF), 0, 1, 0, 0, 0, 5, UInt8(data.count >> 8), UInt8(data.count & 0xFF),
        ]
            + data
    }

    static func srvData(port: UInt16, target: [UInt8]) -> [UInt8] {
        [0, 10, 0, 5, UInt8(port >> 8), UInt8(port & 0xFF)] + target
    }

    func parse(_ bytes: [UInt8]) throws(DNSResponse.Rejection) -> DNSResponse {
        try DNSResponse(bytes, answering: Self.query)
    }

    /// Expects `bytes` refused as a malformed answer (for `reason`, when given).
    func expectRefused(_ bytes: [UInt8], _ what: String, reason: String? = nil) {
        do {
            _ = try parse(bytes)
            Issue.record("\(what): parsed")
        } catch .failed(.malformedResponse(let why)) {
            if let reason { #expect(why == reason, "\(what)") }
        } catch {
            Issue.record("\(what): \(error)")
        }
    }

    /// The question starts at 12; a pointer to it (0xC00C) names `_p._tcp.example.test`.
    static let questionPointer: [UInt8] = [0xC0, 12]

    @Test func an_srv_answer_with_compressed_names_and_glue_is_read() throws {
        let target = [UInt8(5)] + Array("node1".utf8) + [0xC0, 20]  // node1 + "example.test" (offset 20)
        let answer = Self.record(Self.questionPointer, type: 33, Self.srvData(port: 9100, target: target))
        let glue = Self.record(Self.name("node1.example.test"), type: 1, [127, 0, 0, 7])
        let response = try parse(Self.message(answers: 1, additional: 1, body: answer + glue))
        #expect(!response.truncated)
        #expect(
            response.answers == [
                DNSRecord(
                    name: "_p._tcp.example.test",
                    data: .srv(DNSServiceRecord(priority: 10, weight: 5, port: 9100, target: "node1.example.test")))
            ])
        #expect(response.additionals == [DNSRecord(name: "node1.example.test", data: .a("127.0.0.7"))])
    }

    @Test func a_cname_chain_is_followed_to_the_addresses() throws {
        let query = try DNSQuery(id: 7, name: "app.test", type: .a)
        var bytes = Self.message(id: 7, answers: 2, question: Self.name("app.test") + [0, 1, 0, 1])
        bytes += Self.record([0xC0, 12], type: 5, Self.name("real.test"))
        bytes += Self.record(Self.name("real.test"), type: 1, [10, 0, 0, 1])
        let response = try DNSResponse(bytes, answering: query)
        #expect(response.records(for: "app.test") { _ in true } == [.cname("real.test")])
        #expect(
            response.records(for: "app.test") {
                if case .a = $0 { return true }
                return false
            } == [.a("10.0.0.1")])
    }

    @Test func nxdomain_is_an_empty_answer_and_servfail_an_error() throws {
        #expect(try parse(Self.message(flags: 0x8183)).answers.isEmpty)
        #expect(throws: DNSResponse.Rejection.failed(.serverFailure(responseCode: 2))) {
            try parse(Self.message(flags: 0x8182))
        }
        #expect(throws: DNSResponse.Rejection.failed(.serverFailure(responseCode: 5))) {
            try parse(Self.message(flags: 0x8185))
        }
    }

    @Test func a_truncated_answer_is_flagged_for_tcp() throws {
        #expect(try parse(Self.message(flags: 0x8380, answers: 3)).truncated)
    }

    @Test func datagrams_that_do_not_answer_the_query_are_mismatches() {
        let mismatches: [[UInt8]] = [
            [],
            Array(repeating: 0, count: 11),
            Self.message(id: 0x1235),  // another ID
            Self.message(flags: 0x0100),  // a query, not a response
            Self.message(flags: 0x8980),  // opcode 1
            Self.message(questions: 0, question: []),
            Self.message(questions: 2),
            Self.message(question: Self.name("_p._tcp.other.test") + [0, 33, 0, 1]),
            Self.message(question: Self.name("_p._tcp.example.test") + [0, 1, 0, 1]),  // type A
            Self.message(question: Self.name("_p._tcp.example.test") + [0, 33, 0, 3]),  // class CH
            Self.message(question: Self.name("_p._tcp.example.test") + [0, 33]),  // cut
        ]
        for bytes in mismatches {
            #expect(throws: DNSResponse.Rejection.mismatch, "\(bytes)") { try parse(bytes) }
        }
    }

    @Test func malformed_answers_are_refused() {
        let srv = Self.srvData(port: 1, target: [0])
        let malformed: [(String, [UInt8])] = [
            (
                "pointer loop on itself",
                Self.message(answers: 1, body: Self.record([0xC0, 38], type: 1, [1, 2, 3, 4]))
            ),
            ("forward pointer", Self.message(answers: 1, body: Self.record([0xC0, 200], type: 1, [1, 2, 3, 4]))),
            (
                "pointer out of range",
                Self.message(answers: 1, body: Self.record([0xFF, 0xFF], type: 1, [1, 2, 3, 4]))
            ),
            (
                "cut pointer",
                Self.message(answers: 1, body: Self.record(Self.questionPointer, type: 33, [0, 1, 0, 1, 0, 1, 0xC0]))
            ),
            ("label past the end", Self.message(answers: 1, body: [40] + Array(repeating: 0x61, count: 12))),
            ("unknown label type", Self.message(answers: 1, body: Self.record([0x40, 0], type: 1, [1, 2, 3, 4]))),
            ("counts beyond the message", Self.message(answers: 0xFFFF)),
            (
                "more records than bytes",
                Self.message(answers: 2, body: Self.record(Self.questionPointer, type: 1, [1, 2, 3, 4]))
            ),
            (
                "rdata past the end",
                Self.message(answers: 1, body: Self.record(Self.questionPointer, type: 1, [1, 2, 3, 4]).dropLast(2))
            ),
            ("short A", Self.message(answers: 1, body: Self.record(Self.questionPointer, type: 1, [1, 2, 3]))),
            ("short AAAA", Self.message(answers: 1, body: Self.record(Self.questionPointer, type: 28, [1, 2, 3, 4]))),
            (
                "short SRV",
                Self.message(answers: 1, body: Self.record(Self.questionPointer, type: 33, [0, 1, 0, 1, 0]))
            ),
            (
                "SRV target past its record",
                Self.message(answers: 1, body: Self.record(Self.questionPointer, type: 33, Array(srv.dropLast())) + [0])
            ),
            (
                "unprintable label",
                Self.message(answers: 1, body: Self.record([3, 0x61, 0x0A, 0x62, 0], type: 1, [1, 2, 3, 4]))
            ),
            (
                "dot inside a label",
                Self.message(answers: 1, body: Self.record([3, 0x61, 0x2E, 0x62, 0], type: 1, [1, 2, 3, 4]))
            ),
        ]
        for (what, bytes) in malformed { expectRefused(bytes, what) }
    }

    @Test func a_pointer_chain_that_only_goes_backwards_still_has_a_bound() {
        // An unread record's data holds 40 names, each `a` and a pointer to the one before it;
        // the next record's owner points at the last: more pointers than a name may follow.
        let dataStart = Self.message().count + 2 + 10
        var chain: [UInt8] = []
        var previous = 12
        for index in 0..<40 {
            chain += [1, 0x61, 0xC0, UInt8(previous)]
            previous = dataStart + index * 4
        }
        #expect(previous < 256)
        let body =
            Self.record(Self.questionPointer, type: 99, chain)
            + Self.record([0xC0, UInt8(previous)], type: 1, [1, 2, 3, 4])
        let bytes = Self.message(answers: 2, body: body)
        expectRefused(bytes, "a 41-pointer chain", reason: "too many compression pointers")
    }

    @Test func a_name_longer_than_255_bytes_is_refused() {
        let label: [UInt8] = [63] + [UInt8](repeating: 0x61, count: 63)
        let long: [UInt8] = (0..<5).flatMap { _ in label } + [0]
        let bytes = Self.message(answers: 1, body: Self.record(long, type: 1, [1, 2, 3, 4]))
        expectRefused(bytes, "a 320-byte name", reason: "a name is longer than 255 bytes")
    }

    @Test func at_most_max_records_are_kept_from_a_huge_answer() throws {
        let one = Self.record(Self.questionPointer, type: 1, [10, 0, 0, 1])
        let count = DNSResponse.maxRecords + 500
        let bytes = Self.message(answers: UInt16(count), body: Array(repeating: one, count: count).flatMap { $0 })
        let response = try parse(bytes)
        #expect(response.answers.count == DNSResponse.maxRecords)
    }

    @Test func random_bytes_never_crash_the_parser() {
        var generator = SystemRandomNumberGenerator()
        let valid = Self.message(
            answers: 1,
            body: Self.record(Self.questionPointer, type: 33, Self.srvData(port: 9100, target: [0xC0, 12])))
        for _ in 0..<20_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = .random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count))) }
            _ = try? parse(bytes)
        }
    }

    @Test func a_query_advertises_its_udp_size_with_edns_and_the_answer_opt_record_is_skipped() throws {
        var query = try DNSQuery(id: 0x0102, name: "a.test", type: .a)
        #expect(query.bytes == [1, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 4, 0x74, 0x65, 0x73, 0x74, 0, 0, 1, 0, 1])
        query.udpPayloadSize = 1232
        #expect(query.bytes.suffix(11) == [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0])
        #expect(query.bytes[11] == 1)
        let opt: [UInt8] = [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0]
        let answer = Self.record(Self.questionPointer, type: 33, Self.srvData(port: 9100, target: [0xC0, 12]))
        let response = try parse(Self.message(answers: 1, additional: 1, body: answer + opt))
        #expect(response.answers.count == 1)
        #expect(response.additionals == [DNSRecord(name: "", data: .other(type: 41))])
    }

    @Test func query_names_are_checked_before_anything_is_sent() throws {
        for bad in ["", ".", "a..b", "bad name.test", "é.test", String(repeating: "a", count: 64) + ".test"] {
            #expect(throws: DNSError.self, "\(bad)") { try DNSQuery(id: 1, name: bad, type: .a) }
        }
        #expect(try DNSQuery(id: 1, name: "A-b_c.Test.", type: .a).name == "a-b_c.test")
    }
}
