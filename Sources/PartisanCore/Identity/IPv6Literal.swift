/// The text form of an IPv6 address (RFC 4291 §2.2): eight groups of up to four hex digits
/// separated by `:`, one `::` standing for one or more zero groups, and optionally the last
/// 32 bits as a dotted IPv4 address (`::ffff:192.0.2.1`). No brackets and no zone (`%eth0`):
/// this is the form a node name's host takes (`a@fd00::5`), as in Erlang.
package enum IPv6Literal {
    /// The 16 bytes of the address `text` spells, or `nil` when `text` is not an IPv6 literal.
    /// Linear in the length of `text`, which is at most 45 bytes for any valid literal.
    package static func bytes(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard (2...45).contains(text.count) else { return nil }
        let text = Array(text)
        var before: [UInt16] = []  // the groups before `::`, or all of them without one
        var after: [UInt16] = []  // the groups after `::`
        var elided = false
        var index = 0
        if text[0] == UInt8(ascii: ":") {
            guard text[1] == UInt8(ascii: ":") else { return nil }
            elided = true
            index = 2
        }
        while index < text.count {
            var end = index
            while end < text.count, text[end] != UInt8(ascii: ":") { end += 1 }
            let piece = text[index..<end]
            if piece.contains(UInt8(ascii: ".")) {
                // The embedded IPv4 address ends the literal.
                guard end == text.count, let v4 = ipv4(piece) else { return nil }
                let groups = [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                if elided { after += groups } else { before += groups }
                index = end
                break
            }
            guard let group = hexGroup(piece) else { return nil }
            if elided { after.append(group) } else { before.append(group) }
            guard end < text.count else {
                index = end
                break
            }
            if end + 1 < text.count, text[end + 1] == UInt8(ascii: ":") {
                guard !elided else { return nil }  // a second `::`
                elided = true
                index = end + 2
            } else {
                index = end + 1
                guard index < text.count else { return nil }  // a trailing single `:`
            }
        }
        let count = before.count + after.count
        guard elided ? count <= 7 : count == 8 else { return nil }
        let groups = before + [UInt16](repeating: 0, count: 8 - count) + after
        return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// One to four hex digits.
    private static func hexGroup(_ digits: ArraySlice<UInt8>) -> UInt16? {
        guard (1...4).contains(digits.count) else { return nil }
        var value: UInt16 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(nibble)
        }
        return value
    }

    /// Four decimal numbers 0-255 separated by dots, without leading zeros.
    private static func ipv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.first != UInt8(ascii: "0") || part.count == 1,
                part.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return nil }
            let value = part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            guard value <= 255 else { return nil }
            bytes.append(UInt8(value))
        }
        return bytes
    }
}
