/// Reading terms of a known shape piece by piece, without building the ``Term`` of the whole:
/// other modules of the package read their hot messages this way (as ``ETFWriter`` writes
/// them). Each `read…` that looks for a shape returns `nil`, having read nothing, when the
/// next term has another; truncated or malformed input throws.
extension ETFReader {
    /// A reader of `buffer`, which holds one term after its version byte.
    ///
    /// - Throws: ``ETFError/badVersion(_:)`` when `buffer` does not start with the version byte.
    package init(term buffer: UnsafeRawBufferPointer, options: ETF.DecodingOptions) throws(ETFError) {
        self.init(buffer: buffer, options: options)
        guard let first = peekByte() else { throw .badVersion(nil) }
        guard first == ETF.version else { throw .badVersion(first) }
        offset = 1
    }

    /// Whether every byte was read.
    package var isAtEnd: Bool { offset == buffer.count }

    /// The arity of the small tuple that comes next.
    package mutating func readSmallTupleHeader() throws(ETFError) -> Int? {
        guard peekByte() == ETFTag.smallTuple else { return nil }
        offset += 1
        return try readLength(Int(try readUInt8()), minimumBytesEach: 1)
    }

    /// The bytes of the atom that comes next (Latin-1 or UTF-8, as its tag says; an ASCII atom
    /// reads the same either way).
    package mutating func readAtomBytes() throws(ETFError) -> UnsafeRawBufferPointer? {
        guard let tag = peekByte(), ETFTag.isAtom(tag) else { return nil }
        offset += 1
        return try readAtomBytes(tag: tag).0
    }

    /// The bytes of the binary that comes next (a view of the buffer, not a copy).
    package mutating func readBinaryBytes() throws(ETFError) -> UnsafeRawBufferPointer? {
        guard peekByte() == ETFTag.binary else { return nil }
        offset += 1
        let count = try readLength(Int(try readUInt32()), minimumBytesEach: 1)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
    }

    /// The pid that comes next, if its node is one `node` recognises from the name's bytes (so
    /// a known node's name is compared, not decoded and checked again).
    package mutating func readPid(node: (UnsafeRawBufferPointer) -> Node?) throws(ETFError) -> Pid? {
        let start = offset
        guard let tag = peekByte(), tag == ETFTag.newPid || tag == ETFTag.pid else { return nil }
        offset += 1
        guard let name = try readAtomBytes(), let node = node(name) else {
            offset = start
            return nil
        }
        return try readPidFields(tag: tag, node: node)
    }

    /// The reference that comes next, if it is a `NEWER_REFERENCE_EXT` (the form this package
    /// writes) and its node is one `node` recognises (see ``readPid(node:)``).
    package mutating func readRef(node: (UnsafeRawBufferPointer) -> Node?) throws(ETFError) -> Ref? {
        let start = offset
        guard peekByte() == ETFTag.newerReference else { return nil }
        offset += 1
        let count = try readReferenceLength()
        guard let name = try readAtomBytes(), let node = node(name) else {
            offset = start
            return nil
        }
        return try readReferenceFields(tag: ETFTag.newerReference, words: count, node: node)
    }

    /// The whole term that comes next, `depth` levels into the term being read (the limit of
    /// ``ETF/DecodingOptions/maxDepth`` counts from the outermost).
    package mutating func readTerm(atDepth depth: Int) throws(ETFError) -> Term {
        try readTerm(depth: depth)
    }
}
