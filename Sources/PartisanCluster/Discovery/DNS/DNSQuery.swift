/// The bytes of a standard query (RFC 1035 §4.1): one question, recursion desired, and an
/// EDNS(0) OPT record advertising ``udpPayloadSize`` when it is set (RFC 6891).
struct DNSQuery {
    let id: UInt16
    /// The question's name, lower-cased, without the final dot.
    let name: String
    let type: DNSRecordType
    /// The largest UDP answer this side takes, advertised with EDNS(0); `nil` sends no OPT
    /// record (answers then stop at 512 bytes).
    var udpPayloadSize: Int?

    /// A query for `name`, checked: labels of 1...63 bytes of letters, digits, `-` and `_`, at
    /// most 253 bytes in all.
    init(id: UInt16, name: String, type: DNSRecordType) throws(DNSError) {
        var name = name.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { throw .invalidName(reason: "empty or longer than 253") }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count) else {
                throw .invalidName(reason: "a label is empty or too long")
            }
            for byte in label.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "-"), UInt8(ascii: "_"):
                    continue
                default: throw .invalidName(reason: "only letters, digits, '-', '_' and '.' are allowed")
                }
            }
        }
        self.id = id
        self.name = name
        self.type = type
    }

    /// The query's wire form.
    var bytes: [UInt8] {
        let additional: UInt8 = udpPayloadSize == nil ? 0 : 1
        var out: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, additional]
        for label in name.split(separator: ".") {
            out.append(UInt8(label.utf8.count))
            out.append(contentsOf: label.utf8)
        }
        out.append(0)
        out.append(contentsOf: [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF), 0, 1])
        if let udpPayloadSize {
            // OPT: root owner, type 41, class = payload size, TTL 0 (no flags), no options.
            let size = UInt16(clamping: udpPayloadSize)
            out.append(contentsOf: [0, 0, 41, UInt8(size >> 8), UInt8(size & 0xFF), 0, 0, 0, 0, 0, 0])
        }
        return out
    }
}
