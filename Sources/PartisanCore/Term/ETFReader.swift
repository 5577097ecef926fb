/// Reads ETF terms from a byte buffer with bounds, length and depth checks on every step.
///
/// Lengths from the input are checked against the remaining bytes before anything is
/// allocated: a list or tuple of N elements needs at least N bytes, a map of N pairs 2N, and
/// those bytes must also be left over by the containers still open around it (the elements
/// they have yet to read need bytes of their own). So the room reserved for all the open
/// containers together never exceeds one element per remaining byte: nested headers that each
/// declare as many elements as the rest of the input (`{{{...}}}` of arity 255) are refused at
/// once instead of each reserving that much.
package struct ETFReader {
    let buffer: UnsafeRawBufferPointer
    let maxDepth: Int
    let maxMapKeyNesting: Int
    /// Where the next read starts.
    package var offset = 0
    /// How many map keys the term being read sits inside.
    private var mapKeyNesting = 0
    /// The bytes the open containers still need at least, for the elements they have yet to
    /// read (beyond the one being read).
    private var committed = 0

    init(buffer: UnsafeRawBufferPointer, options: ETF.DecodingOptions) {
        self.buffer = buffer
        self.maxDepth = options.maxDepth
        self.maxMapKeyNesting = options.maxMapKeyNesting
    }

    var remaining: Int { buffer.count - offset }

    func peekByte() -> UInt8? { offset < buffer.count ? buffer[offset] : nil }

    mutating func readTerm(depth: Int) throws(ETFError) -> Term {
        let tagOffset = offset
        let tag = try readUInt8()
        switch tag {
        case ETFTag.smallInteger: return .integer(Int64(try readUInt8()))
        case ETFTag.integer: return .integer(Int64(Int32(bitPattern: try readUInt32())))
        case ETFTag.smallBig: return try readBig(count: Int(try readUInt8()))
        case ETFTag.largeBig: return try readBig(count: Int(try readUInt32()))
        case ETFTag.newFloat:
            let value = Double(bitPattern: try readUInt64())
            guard value.isFinite else { throw .malformed("non-finite float", at: tagOffset) }
            return .float(value)
        case ETFTag.float: return .float(try readOldFloat())
        case ETFTag.atom, ETFTag.smallAtom, ETFTag.atomUTF8, ETFTag.smallAtomUTF8:
            return .atom(try readAtomBody(tag: tag))
        case ETFTag.binary:
            let count = try readLength(Int(try readUInt32()), minimumBytesEach: 1)
            let start = offset
            offset += count
            return .binary(Array(UnsafeRawBufferPointer(rebasing: buffer[start..<offset])))
        case ETFTag.nilList: return .list([])
        case ETFTag.string:
            var elements: [Term] = []
            try appendStringBody(to: &elements, count: try readUInt16())
            return .list(elements)
        case ETFTag.list: return try readList(depth: depth)
        case ETFTag.smallTuple: return try readTuple(count: Int(try readUInt8()), depth: depth)
        case ETFTag.largeTuple: return try readTuple(count: Int(try readUInt32()), depth: depth)
        case ETFTag.map: return try readMap(depth: depth)
        case ETFTag.newPid, ETFTag.pid: return try readPid(tag: tag)
        case ETFTag.newerReference, ETFTag.newReference: return try readNewReference(tag: tag)
        case ETFTag.reference: return try readOldReference()
        default:
            if let name = ETFTag.unsupportedName(tag) { throw .unsupportedTag(tag, name: name, at: tagOffset) }
            throw .unknownTag(tag, at: tagOffset)
        }
    }

    // MARK: Compound terms

    private mutating func enter(_ depth: Int) throws(ETFError) {
        if depth >= maxDepth { throw .nestingTooDeep(limit: maxDepth) }
    }

    /// `LIST_EXT`: elements and a tail. A tail that is itself a list (`[1 | [2 | [3]]]`, as no
    /// encoder writes but Erlang accepts) is read in the same loop and its elements appended, so
    /// a chain of N such lists costs O(N) and no recursion, as Erlang builds it: flattened into
    /// one proper list, or an improper list when the chain ends in another term.
    private mutating func readList(depth: Int) throws(ETFError) -> Term {
        try enter(depth)
        var elements: [Term] = []
        while true {
            // N elements and a tail: at least N + 1 bytes.
            let count = try readLength(Int(try readUInt32()), minimumBytesEach: 1, extra: 1)
            committed += count + 1
            Self.reserve(count, more: &elements)
            for _ in 0..<count {
                committed -= 1
                elements.append(try readTerm(depth: depth + 1))
            }
            committed -= 1
            switch peekByte() {
            case ETFTag.nilList:
                offset += 1
                return .list(elements)
            case ETFTag.list:
                offset += 1
            case ETFTag.string:
                offset += 1
                try appendStringBody(to: &elements, count: try readUInt16())
                return .list(elements)
            default:
                let tail = try readTerm(depth: depth + 1)
                // Only `LIST_EXT`, `STRING_EXT` and `NIL_EXT` read as lists, and all three were
                // taken above: the tail is not a list.
                if elements.isEmpty { return tail }
                return .improperList(elements, tail: tail)
            }
        }
    }

    /// Appends the code points of a `STRING_EXT` body of `declared` bytes to `elements`.
    private mutating func appendStringBody(to elements: inout [Term], count declared: UInt16) throws(ETFError) {
        let count = try readLength(Int(declared), minimumBytesEach: 1)
        Self.reserve(count, more: &elements)
        for i in offset..<offset + count { elements.append(.integer(Int64(buffer[i]))) }
        offset += count
    }

    /// Makes room for `count` more elements, at least doubling the capacity when it grows (an
    /// exact `reserveCapacity` per segment of a list chain would copy the whole every time).
    private static func reserve(_ count: Int, more elements: inout [Term]) {
        let needed = elements.count + count
        if needed > elements.capacity { elements.reserveCapacity(max(needed, 2 * elements.capacity)) }
    }

    private mutating func readTuple(count declared: Int, depth: Int) throws(ETFError) -> Term {
        try enter(depth)
        let count = try readLength(declared, minimumBytesEach: 1)
        committed += count
        var elements: [Term] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            committed -= 1
            elements.append(try readTerm(depth: depth + 1))
        }
        return .tuple(elements)
    }

    private mutating func readMap(depth: Int) throws(ETFError) -> Term {
        try enter(depth)
        let count = try readLength(Int(try readUInt32()), minimumBytesEach: 2)
        committed += 2 * count
        var map: [Term: Term] = [:]
        map.reserveCapacity(count)
        for _ in 0..<count {
            committed -= 2
            let keyOffset = offset
            if mapKeyNesting >= maxMapKeyNesting { throw .mapKeysNestedTooDeep(limit: maxMapKeyNesting) }
            mapKeyNesting += 1
            let key = try readTerm(depth: depth + 1)
            mapKeyNesting -= 1
            let value = try readTerm(depth: depth + 1)
            if map.updateValue(value, forKey: key) != nil { throw .duplicateMapKey(at: keyOffset) }
        }
        return .map(map)
    }

    // MARK: Numbers

    private mutating func readBig(count declared: Int) throws(ETFError) -> Term {
        let signOffset = offset
        let sign = try readUInt8()
        guard sign <= 1 else { throw .malformed("big integer sign byte \(sign)", at: signOffset) }
        let count = try readLength(declared, minimumBytesEach: 1)
        let magnitude = Array(UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count]))
        offset += count
        return Term(integer: BigInteger(isNegative: sign == 1, magnitude: magnitude))
    }

    /// `FLOAT_EXT`: 31 bytes holding a NUL-padded `"%.20e"` string.
    private mutating func readOldFloat() throws(ETFError) -> Double {
        let start = offset
        try need(31)
        offset += 31
        var text = ""
        for i in start..<start + 31 {
            let byte = buffer[i]
            if byte == 0 { break }
            text.unicodeScalars.append(Unicode.Scalar(byte))
        }
        guard let value = Double(text), value.isFinite else {
            throw .malformed("unparsable FLOAT_EXT", at: start)
        }
        return value
    }

    // MARK: Atoms, pids and references

    private mutating func readAtomBody(tag: UInt8) throws(ETFError) -> String {
        let (bytes, start) = try readAtomBytes(tag: tag)
        return try atomName(bytes, tag: tag, at: start)
    }

    /// Reads an atom's length and steps over its bytes; returns them and where they start.
    mutating func readAtomBytes(tag: UInt8) throws(ETFError) -> (UnsafeRawBufferPointer, start: Int) {
        let small = tag == ETFTag.smallAtom || tag == ETFTag.smallAtomUTF8
        let count = try readLength(small ? Int(try readUInt8()) : Int(try readUInt16()), minimumBytesEach: 1)
        let start = offset
        offset += count
        return (UnsafeRawBufferPointer(rebasing: buffer[start..<offset]), start)
    }

    /// The text of an atom's bytes: Latin-1 for the `atom` tags, UTF-8 for the `_utf8` ones.
    /// An atom has at most 255 characters, as in Erlang (and as ``ETF/encode(_:options:)``
    /// writes them): a longer one throws ``ETFError/malformed(_:at:)``.
    private func atomName(_ bytes: UnsafeRawBufferPointer, tag: UInt8, at start: Int) throws(ETFError) -> String {
        if tag == ETFTag.atom || tag == ETFTag.smallAtom {
            // Latin-1: every byte is the code point of the same value.
            guard bytes.count <= 255 else { throw .malformed("atom of \(bytes.count) characters", at: start) }
            if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            var name = ""
            name.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
            return name
        }
        guard let name = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(at: start) }
        if bytes.count > 255 {
            let characters = name.unicodeScalars.count
            guard characters <= 255 else { throw .malformed("atom of \(characters) characters", at: start) }
        }
        return name
    }

    private mutating func readNode() throws(ETFError) -> Node {
        let atomOffset = offset
        let tag = try readUInt8()
        switch tag {
        case ETFTag.atom, ETFTag.smallAtom, ETFTag.atomUTF8, ETFTag.smallAtomUTF8:
            let (bytes, start) = try readAtomBytes(tag: tag)
            // An ASCII name (Latin-1 and UTF-8 agree on it) is checked on its bytes before any
            // string is made: every pid and reference on the wire carries one.
            if let valid = Node.isValid(utf8: bytes) {
                guard valid else { throw .invalidNode(try atomName(bytes, tag: tag, at: start), at: atomOffset) }
                return Node(unchecked: String(decoding: bytes, as: UTF8.self))
            }
            let name = try atomName(bytes, tag: tag, at: start)
            guard let node = Node(name) else { throw .invalidNode(name, at: atomOffset) }
            return node
        default:
            if let name = ETFTag.unsupportedName(tag) { throw .unsupportedTag(tag, name: name, at: atomOffset) }
            throw .malformed("node is not an atom (tag \(tag))", at: atomOffset)
        }
    }

    private mutating func readPid(tag: UInt8) throws(ETFError) -> Term {
        .pid(try readPidFields(tag: tag, node: try readNode()))
    }

    /// The rest of a pid (tag `tag`) once its node was read.
    mutating func readPidFields(tag: UInt8, node: Node) throws(ETFError) -> Pid {
        let id = try readUInt32()
        let serial = try readUInt32()
        let creation = tag == ETFTag.newPid ? try readUInt32() : UInt32(try readUInt8())
        return Pid(node: node, id: id, serial: serial, creation: creation)
    }

    private mutating func readNewReference(tag: UInt8) throws(ETFError) -> Term {
        let count = try readReferenceLength()
        return .ref(try readReferenceFields(tag: tag, words: count, node: try readNode()))
    }

    /// The number of words of a new or newer reference, which must be 1 to 3.
    mutating func readReferenceLength() throws(ETFError) -> Int {
        let lengthOffset = offset
        let count = Int(try readUInt16())
        guard (1...3).contains(count) else { throw .unsupportedReference(words: count, at: lengthOffset) }
        return count
    }

    /// The rest of a new or newer reference (tag `tag`, `count` words) once its node was read.
    mutating func readReferenceFields(tag: UInt8, words count: Int, node: Node) throws(ETFError) -> Ref {
        let creation = tag == ETFTag.newerReference ? try readUInt32() : UInt32(try readUInt8())
        var words: (UInt32, UInt32, UInt32) = (0, 0, 0)
        words.0 = try readUInt32()
        if count > 1 { words.1 = try readUInt32() }
        if count > 2 { words.2 = try readUInt32() }
        return Ref(node: node, creation: creation, words: words)
    }

    private mutating func readOldReference() throws(ETFError) -> Term {
        let node = try readNode()
        let id = try readUInt32()
        let creation = UInt32(try readUInt8())
        return .ref(Ref(node: node, creation: creation, words: (id, 0, 0)))
    }

    // MARK: Primitive reads

    /// Checks that `count` items of at least `minimumBytesEach` bytes (plus `extra`) fit in the
    /// remaining input, beside what the open containers still need, and returns `count`.
    // `mutating` so that `self` is read after the length argument (itself a read) is evaluated.
    mutating func readLength(_ count: Int, minimumBytesEach: Int, extra: Int = 0) throws(ETFError) -> Int {
        let (product, overflow) = count.multipliedReportingOverflow(by: minimumBytesEach)
        if overflow || product > remaining - extra - committed { throw .lengthTooLarge(count, at: offset) }
        return count
    }

    private func need(_ count: Int) throws(ETFError) {
        if remaining < count { throw .truncated(at: offset, needed: count - remaining) }
    }

    mutating func readUInt8() throws(ETFError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return buffer[offset]
    }

    mutating func readUInt16() throws(ETFError) -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(buffer[offset]) << 8 | UInt16(buffer[offset + 1])
    }

    mutating func readUInt32() throws(ETFError) -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(buffer[offset]) << 24 | UInt32(buffer[offset + 1]) << 16
            | UInt32(buffer[offset + 2]) << 8 | UInt32(buffer[offset + 3])
    }

    mutating func readUInt64() throws(ETFError) -> UInt64 {
        let high = try readUInt32()
        return UInt64(high) << 32 | UInt64(try readUInt32())
    }
}
