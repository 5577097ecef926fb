// The leaf writers of the stream encoder: the same tags `ETFWriter` chooses for the same terms.
extension ETFStreamEncoder {
    /// Appends `name` as an atom if it is ASCII and at most 255 bytes; `false` otherwise.
    func appendASCIIAtom(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { text in
            guard text.count <= 255 else { return false }
            for byte in text where byte >= 0x80 { return false }
            if latin1Atoms {
                bytes.append(ETFTag.atom)
                bytes.append(0)
            } else {
                bytes.append(ETFTag.smallAtomUTF8)
            }
            bytes.append(UInt8(text.count))
            bytes.append(contentsOf: text)
            return true
        }
    }

    /// Appends any atom (`Node` names), as `ETFWriter` does.
    func appendAtom(_ name: String) throws {
        if appendASCIIAtom(name) { return }
        try withWriter { writer throws(ETFError) in try writer.writeAtom(name) }
    }

    /// Appends a whole term through `ETFWriter`, nested at the current depth.
    func appendTerm(_ term: Term) throws {
        let depth = self.depth
        try withWriter { writer throws(ETFError) in try writer.write(term, depth: depth) }
    }

    private func withWriter(_ body: (inout ETFWriter) throws(ETFError) -> Void) throws {
        var writer = ETFWriter(bytes: bytes, options: options)
        bytes = []
        defer { bytes = writer.bytes }
        try body(&writer)
    }

    func appendInt64(_ value: Int64) {
        ETFWriter.appendInteger(value, to: &bytes)
    }

    func appendUInt64(_ value: UInt64) {
        if value <= UInt64(Int64.max) { return appendInt64(Int64(value)) }
        bytes.append(ETFTag.smallBig)
        bytes.append(8)
        bytes.append(0)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// Throws for NaN and infinities; the `Term` path then reports them.
    func appendDouble(_ value: Double) throws {
        guard value.isFinite else { throw ETFError.unencodable("non-finite float \(value)") }
        bytes.append(ETFTag.newFloat)
        appendUInt32(UInt32(truncatingIfNeeded: value.bitPattern >> 32))
        appendUInt32(UInt32(truncatingIfNeeded: value.bitPattern))
    }

    func appendBool(_ value: Bool) {
        _ = appendASCIIAtom(value ? "true" : "false")
    }

    func appendUndefined() {
        _ = appendASCIIAtom("undefined")
    }

    func appendEmptyMap() {
        bytes.append(ETFTag.map)
        appendUInt32(0)
    }

    func appendString(_ value: String) throws {
        var value = value
        try value.withUTF8 { text in try appendBinary(UnsafeRawBufferPointer(text)) }
    }

    func appendBinary(_ data: UnsafeRawBufferPointer) throws {
        guard data.count <= Int(UInt32.max) else { throw ETFError.unencodable("binary too long") }
        bytes.append(ETFTag.binary)
        appendUInt32(UInt32(data.count))
        bytes.append(contentsOf: data)
    }

    func appendUInt32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }
}
