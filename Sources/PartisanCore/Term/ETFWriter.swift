/// Appends the ETF encoding of terms to a byte buffer, choosing the tags `term_to_binary/1`
/// chooses.
///
/// Other modules of the package use it to write terms of a known shape piece by piece (the
/// distribution's control messages) without building the ``Term`` first.
package struct ETFWriter {
    package var bytes: [UInt8]
    package let options: ETF.EncodingOptions

    /// A writer appending to `bytes`.
    package init(bytes: [UInt8] = [], options: ETF.EncodingOptions = .init()) {
        self.bytes = bytes
        self.options = options
    }

    /// Appends the version byte that starts a complete encoding.
    package mutating func writeVersion() {
        bytes.append(ETF.version)
    }

    /// Appends the header of a tuple of `count` elements (at most 255); the elements follow.
    package mutating func writeSmallTupleHeader(_ count: UInt8) {
        bytes.append(ETFTag.smallTuple)
        bytes.append(count)
    }

    /// Appends the header of a binary of `count` bytes; the bytes follow.
    package mutating func writeBinaryHeader(_ count: Int) {
        bytes.append(ETFTag.binary)
        appendUInt32(UInt32(truncatingIfNeeded: count))
    }

    /// Appends `term` at nesting `depth` (0 for a whole encoding).
    package mutating func write(_ term: Term, depth: Int) throws(ETFError) {
        switch term {
        case .atom(let name): try writeAtom(name)
        case .integer(let value): writeInteger(value)
        case .bigInteger(let big): writeBig(big)
        case .float(let value):
            guard value.isFinite else { throw .unencodable("non-finite float \(value)") }
            bytes.append(ETFTag.newFloat)
            appendUInt64(value.bitPattern)
        case .binary(let data):
            try checkLength(data.count, "binary")
            bytes.append(ETFTag.binary)
            appendUInt32(UInt32(data.count))
            bytes.append(contentsOf: data)
        case .list(let elements):
            try writeList(elements, depth: depth)
        case .improperList(let elements, let tail):
            guard !elements.isEmpty else { throw .unencodable("improper list without elements") }
            switch tail {
            case .list, .improperList: throw .unencodable("improper list whose tail is a list")
            default: break
            }
            try checkDepth(depth)
            try checkLength(elements.count, "list")
            bytes.append(ETFTag.list)
            appendUInt32(UInt32(elements.count))
            for element in elements { try write(element, depth: depth + 1) }
            try write(tail, depth: depth + 1)
        case .tuple(let elements):
            try writeTupleHeader(elements.count, depth: depth)
            for element in elements { try write(element, depth: depth + 1) }
        case .map(let map):
            try checkDepth(depth)
            try checkLength(map.count, "map")
            bytes.append(ETFTag.map)
            appendUInt32(UInt32(map.count))
            // Each key is written from its prepared form: a map inside it is not sorted again.
            for (_, value, key) in OrderedTerm.sortedEntries(of: map) {
                try write(key, depth: depth + 1)
                try write(value, depth: depth + 1)
            }
        case .pid(let pid): try writePid(pid)
        case .ref(let ref): try writeRef(ref)
        }
    }

    /// Appends a term from its prepared form: the same bytes as writing the term itself.
    private mutating func write(_ term: OrderedTerm, depth: Int) throws(ETFError) {
        switch term {
        case .plain(let term):
            try write(term, depth: depth)
        case .tuple(let elements):
            try writeTupleHeader(elements.count, depth: depth)
            for element in elements { try write(element, depth: depth + 1) }
        case .list(let elements, let tail):
            // A list with a map inside is never a `STRING_EXT`; the checks are the Term path's.
            if tail != nil, elements.isEmpty { throw .unencodable("improper list without elements") }
            switch tail {
            case .plain(.list)?, .plain(.improperList)?, .list?:
                throw .unencodable("improper list whose tail is a list")
            default: break
            }
            try checkDepth(depth)
            try checkLength(elements.count, "list")
            bytes.append(ETFTag.list)
            appendUInt32(UInt32(elements.count))
            for element in elements { try write(element, depth: depth + 1) }
            if let tail { try write(tail, depth: depth + 1) } else { bytes.append(ETFTag.nilList) }
        case .map(let entries):
            try checkDepth(depth)
            try checkLength(entries.count, "map")
            bytes.append(ETFTag.map)
            appendUInt32(UInt32(entries.count))
            for entry in entries {
                try write(entry.key, depth: depth + 1)
                try write(entry.value, depth: depth + 1)
            }
        }
    }

    /// Appends `pid` (`NEW_PID_EXT`).
    package mutating func writePid(_ pid: Pid) throws(ETFError) {
        bytes.append(ETFTag.newPid)
        try writeAtom(pid.node.name)
        appendUInt32(pid.id)
        appendUInt32(pid.serial)
        appendUInt32(pid.creation)
    }

    /// Appends `ref` (`NEWER_REFERENCE_EXT`).
    package mutating func writeRef(_ ref: Ref) throws(ETFError) {
        bytes.append(ETFTag.newerReference)
        appendUInt16(3)
        try writeAtom(ref.node.name)
        appendUInt32(ref.creation)
        appendUInt32(ref.words.0)
        appendUInt32(ref.words.1)
        appendUInt32(ref.words.2)
    }

    private mutating func writeTupleHeader(_ count: Int, depth: Int) throws(ETFError) {
        try checkDepth(depth)
        if count <= 255 {
            bytes.append(ETFTag.smallTuple)
            bytes.append(UInt8(count))
        } else {
            try checkLength(count, "tuple")
            bytes.append(ETFTag.largeTuple)
            appendUInt32(UInt32(count))
        }
    }

    private mutating func writeList(_ elements: [Term], depth: Int) throws(ETFError) {
        if elements.isEmpty {
            bytes.append(ETFTag.nilList)
            return
        }
        if elements.count <= 65535, let string = Self.byteString(elements) {
            bytes.append(ETFTag.string)
            appendUInt16(UInt16(elements.count))
            bytes.append(contentsOf: string)
            return
        }
        try checkDepth(depth)
        try checkLength(elements.count, "list")
        bytes.append(ETFTag.list)
        appendUInt32(UInt32(elements.count))
        for element in elements { try write(element, depth: depth + 1) }
        bytes.append(ETFTag.nilList)
    }

    /// The bytes of a list whose elements are all integers in 0...255 (`STRING_EXT`).
    private static func byteString(_ elements: [Term]) -> [UInt8]? {
        var string: [UInt8] = []
        string.reserveCapacity(elements.count)
        for element in elements {
            guard case .integer(let value) = element, value >= 0, value <= 255 else { return nil }
            string.append(UInt8(value))
        }
        return string
    }

    /// Appends the atom `name`.
    package mutating func writeAtom(_ name: String) throws(ETFError) {
        // Fast path: an ASCII name (node names, tags) is its own Latin-1 and UTF-8 encoding.
        var name = name
        let wroteASCII = name.withUTF8 { utf8 -> Bool in
            guard utf8.count <= 255, utf8.allSatisfy({ $0 < 0x80 }) else { return false }
            if options.atomEncoding == .latin1WhenPossible {
                bytes.append(ETFTag.atom)
                appendUInt16(UInt16(utf8.count))
            } else {
                bytes.append(ETFTag.smallAtomUTF8)
                bytes.append(UInt8(utf8.count))
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        if wroteASCII { return }
        var utf8Count = 0
        var characters = 0
        var latin1 = true
        for scalar in name.unicodeScalars {
            characters += 1
            utf8Count += UTF8.width(scalar)
            if scalar.value > 255 { latin1 = false }
        }
        guard characters <= 255 else { throw .unencodable("atom longer than 255 characters") }
        if latin1 && options.atomEncoding == .latin1WhenPossible {
            bytes.append(ETFTag.atom)
            appendUInt16(UInt16(characters))
            for scalar in name.unicodeScalars { bytes.append(UInt8(scalar.value)) }
        } else if utf8Count <= 255 {
            bytes.append(ETFTag.smallAtomUTF8)
            bytes.append(UInt8(utf8Count))
            bytes.append(contentsOf: name.utf8)
        } else {
            bytes.append(ETFTag.atomUTF8)
            appendUInt16(UInt16(utf8Count))
            bytes.append(contentsOf: name.utf8)
        }
    }

    private mutating func writeInteger(_ value: Int64) {
        ETFWriter.appendInteger(value, to: &bytes)
    }

    /// Appends `value` as Erlang's `term_to_binary` does: `SMALL_INTEGER_EXT` for 0...255,
    /// `INTEGER_EXT` for 32-bit values, `SMALL_BIG_EXT` otherwise. Shared with the direct
    /// Codable encoder.
    static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        if value >= 0 && value <= 255 {
            bytes.append(ETFTag.smallInteger)
            bytes.append(UInt8(value))
        } else if value >= Int64(Int32.min) && value <= Int64(Int32.max) {
            bytes.append(ETFTag.integer)
            withUnsafeBytes(of: UInt32(bitPattern: Int32(value)).bigEndian) { bytes.append(contentsOf: $0) }
        } else {
            let magnitude = value.magnitude
            let count = (64 - magnitude.leadingZeroBitCount + 7) / 8
            bytes.append(ETFTag.smallBig)
            bytes.append(UInt8(count))
            bytes.append(value < 0 ? 1 : 0)
            for i in 0..<count { bytes.append(UInt8(truncatingIfNeeded: magnitude >> (8 * UInt64(i)))) }
        }
    }

    private mutating func writeBig(_ big: BigInteger) {
        if let small = big.int64Value { return writeInteger(small) }
        if big.magnitude.count <= 255 {
            bytes.append(ETFTag.smallBig)
            bytes.append(UInt8(big.magnitude.count))
        } else {
            bytes.append(ETFTag.largeBig)
            appendUInt32(UInt32(truncatingIfNeeded: big.magnitude.count))
        }
        bytes.append(big.isNegative ? 1 : 0)
        bytes.append(contentsOf: big.magnitude)
    }

    private func checkDepth(_ depth: Int) throws(ETFError) {
        if depth >= options.maxDepth { throw .nestingTooDeep(limit: options.maxDepth) }
    }

    private func checkLength(_ count: Int, _ what: String) throws(ETFError) {
        if count > Int(UInt32.max) { throw .unencodable("\(what) of \(count) elements exceeds 2^32-1") }
    }

    mutating func appendUInt16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendUInt32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendUInt64(_ value: UInt64) {
        appendUInt32(UInt32(truncatingIfNeeded: value >> 32))
        appendUInt32(UInt32(truncatingIfNeeded: value))
    }
}
