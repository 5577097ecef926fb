/// A bounds-checked cursor over a DNS message.
struct DNSReader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    /// The big-endian 16 bits at `index` (the caller checked the bounds).
    func u16(at index: Int) -> UInt16 { UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]) }

    private func malformed(_ reason: String) -> DNSError { .malformedResponse(reason: reason) }

    /// Reads a (possibly compressed) name at the cursor and moves past it: lower-cased, labels
    /// joined by `.`, no final dot; `""` for the root.
    mutating func name() throws(DNSError) -> String {
        var position = offset
        var end: Int?
        var labels: [UInt8] = []
        var pointers = 0
        // The lowest position reached: a pointer must go below it, so names cannot loop.
        var floor = offset
        while true {
            guard position < bytes.count else { throw malformed("a name runs past the end") }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0:
                if length == 0 {
                    offset = end ?? position + 1
                    return String(decoding: labels, as: UTF8.self)
                }
                guard position + 1 + length <= bytes.count else { throw malformed("a label runs past the end") }
                guard labels.count + length + 1 <= 255 else { throw malformed("a name is longer than 255 bytes") }
                if !labels.isEmpty { labels.append(UInt8(ascii: ".")) }
                for byte in bytes[(position + 1)...(position + length)] {
                    guard byte > 0x20, byte < 0x7F, byte != UInt8(ascii: ".") else {
                        throw malformed("a label holds a byte that is not printable")
                    }
                    labels.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                }
                position += 1 + length
            case 0xC0:
                guard position + 1 < bytes.count else { throw malformed("a pointer runs past the end") }
                let target = Int(u16(at: position) & 0x3FFF)
                guard target < floor else { throw malformed("a compression pointer does not point backwards") }
                pointers += 1
                guard pointers <= DNSResponse.maxPointers else { throw malformed("too many compression pointers") }
                if end == nil { end = position + 2 }
                floor = target
                position = target
            default:
                throw malformed("an unknown label type")
            }
        }
    }

    /// Reads one resource record and moves past it.
    mutating func record() throws(DNSError) -> DNSRecord {
        let name = try self.name()
        guard remaining >= 10 else { throw malformed("a record header runs past the end") }
        let type = u16(at: offset)
        let length = Int(u16(at: offset + 8))
        offset += 10
        guard length <= remaining else { throw malformed("record data runs past the end") }
        let start = offset
        let dataEnd = offset + length
        defer { offset = dataEnd }
        switch type {
        case DNSRecordType.a.rawValue:
            guard length == 4 else { throw malformed("an A record is not 4 bytes") }
            return DNSRecord(name: name, data: .a(bytes[start..<dataEnd].map(String.init).joined(separator: ".")))
        case DNSRecordType.aaaa.rawValue:
            guard length == 16 else { throw malformed("an AAAA record is not 16 bytes") }
            let groups = stride(from: start, to: dataEnd, by: 2).map { String(u16(at: $0), radix: 16) }
            return DNSRecord(name: name, data: .aaaa(groups.joined(separator: ":")))
        case DNSRecordType.cname.rawValue:
            let target = try nameWithin(start, dataEnd)
            return DNSRecord(name: name, data: .cname(target))
        case DNSRecordType.srv.rawValue:
            guard length >= 7 else { throw malformed("an SRV record is shorter than 7 bytes") }
            let priority = u16(at: start)
            let weight = u16(at: start + 2)
            let port = Int(u16(at: start + 4))
            let target = try nameWithin(start + 6, dataEnd)
            return DNSRecord(
                name: name, data: .srv(DNSServiceRecord(priority: priority, weight: weight, port: port, target: target))
            )
        default:
            return DNSRecord(name: name, data: .other(type: type))
        }
    }

    /// Reads a name that starts at `start` and whose uncompressed part must end by `end`.
    private mutating func nameWithin(_ start: Int, _ end: Int) throws(DNSError) -> String {
        let saved = offset
        offset = start
        let name = try self.name()
        guard offset <= end else { throw malformed("a name runs past its record") }
        offset = saved
        return name
    }
}
