/// A parsed answer to one ``DNSQuery``: every byte is treated as hostile.
///
/// Parsing is linear in the message's size and bounded in memory: names are at most 255 bytes
/// and follow compression pointers only backwards (so a pointer loop cannot exist) and at most
/// ``maxPointers`` times; section counts must fit in the bytes there are; at most
/// ``maxRecords`` records are kept. The header's ID and the echoed question must match the
/// query, so a stray or spoofed datagram is told apart from a broken answer.
struct DNSResponse: Sendable {
    /// The most records kept from one message (answers and additionals together).
    static let maxRecords = 1024
    /// The most compression pointers followed in one name.
    static let maxPointers = 32

    /// Whether the server cut the answer short (TC): ask again over TCP.
    var truncated: Bool
    /// The answer section (empty for NXDOMAIN).
    var answers: [DNSRecord]
    /// The additional section (glue addresses of SRV targets, for example).
    var additionals: [DNSRecord]

    /// Why a message is not the answer to the query: a mismatch is skipped (another datagram may
    /// still come), a malformed answer fails the look-up.
    enum Rejection: Error, Equatable {
        /// Not an answer to this query (ID, question, or not a response at all).
        case mismatch
        /// An answer to this query, broken or refused.
        case failed(DNSError)
    }

    /// Parses `bytes` as the answer to `query`.
    init(_ bytes: [UInt8], answering query: DNSQuery) throws(Rejection) {
        var reader = DNSReader(bytes: bytes)
        func malformed(_ reason: String) -> Rejection { .failed(.malformedResponse(reason: reason)) }
        guard bytes.count >= 12 else { throw .mismatch }
        let id = reader.u16(at: 0)
        let flags = reader.u16(at: 2)
        guard id == query.id, flags & 0x8000 != 0, (flags >> 11) & 0xF == 0 else { throw .mismatch }
        let counts = (reader.u16(at: 4), reader.u16(at: 6), reader.u16(at: 8), reader.u16(at: 10))
        guard counts.0 == 1 else { throw .mismatch }
        reader.offset = 12
        guard let questionName = try? reader.name(), reader.remaining >= 4 else { throw .mismatch }
        let questionType = reader.u16(at: reader.offset)
        let questionClass = reader.u16(at: reader.offset + 2)
        reader.offset += 4
        guard questionName == query.name, questionType == query.type.rawValue, questionClass == 1 else {
            throw .mismatch
        }
        truncated = flags & 0x0200 != 0
        answers = []
        additionals = []
        if truncated { return }
        let code = Int(flags & 0xF)
        if code == 3 { return }  // NXDOMAIN: the name has no records
        guard code == 0 else { throw .failed(.serverFailure(responseCode: code)) }
        let total = Int(counts.1) + Int(counts.2) + Int(counts.3)
        // A record takes at least 11 bytes (a 1-byte name, type, class, TTL, length).
        guard total * 11 <= reader.remaining else { throw malformed("section counts exceed the message") }
        var kept = 0
        for section in 0..<3 {
            let count = [counts.1, counts.2, counts.3][section]
            for _ in 0..<count {
                let record: DNSRecord
                do { record = try reader.record() } catch { throw .failed(error) }
                guard section != 1, kept < Self.maxRecords else { continue }
                kept += 1
                if section == 0 { answers.append(record) } else { additionals.append(record) }
            }
        }
    }

    /// The records of type `type` for `name`, following CNAMEs in the answer (at most 8).
    func records(for name: String, where matches: (DNSRecord.Data) -> Bool) -> [DNSRecord.Data] {
        var owner = name
        for _ in 0..<8 {
            let found = answers.filter { $0.name == owner && matches($0.data) }.map(\.data)
            if !found.isEmpty { return found }
            guard
                case .cname(let next) = answers.first(where: {
                    if case .cname = $0.data { return $0.name == owner }
                    return false
                })?.data
            else { return [] }
            owner = next
        }
        return []
    }
}
