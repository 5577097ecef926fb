/// A struct's (or enum's) fields, written as `[atom key][value]` entries of a keyed frame.
struct ETFStreamKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ETFStreamEncoder
    let frame: ETFFrameHandle
    var codingPath: [any CodingKey] { encoder.path }

    private func begin(_ key: Key) -> Bool { encoder.beginEntry(frame, key: key) }

    mutating func encodeNil(forKey key: Key) throws { if begin(key) { encoder.appendUndefined() } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { if begin(key) { encoder.appendBool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { if begin(key) { try encoder.appendString(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { if begin(key) { try encoder.appendDouble(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        if begin(key) { try encoder.appendDouble(Double(value)) }
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { if begin(key) { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { if begin(key) { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { if begin(key) { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { if begin(key) { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { if begin(key) { encoder.appendInt64(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        if begin(key) { encoder.appendUInt64(UInt64(value)) }
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { if begin(key) { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        if begin(key) { encoder.appendInt64(Int64(value)) }
    }
    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        if begin(key) { encoder.appendInt64(Int64(value)) }
    }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { if begin(key) { encoder.appendUInt64(value) } }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if begin(key) { try encoder.encodeValue(value, at: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = begin(key) ? encoder.pushFrame(.keyed, isPayload: true) : .invalid
        return KeyedEncodingContainer(ETFStreamKeyedContainer<NestedKey>(encoder: encoder, frame: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = begin(key) ? encoder.pushFrame(.unkeyed, isPayload: false) : .invalid
        return ETFStreamUnkeyedContainer(encoder: encoder, frame: nested)
    }

    /// Not expressible as a stream (the super value is written after later fields): the
    /// encoder falls back to the `Term` path.
    mutating func superEncoder() -> any Encoder {
        encoder.failed = true
        return encoder
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.failed = true
        return encoder
    }
}

/// The elements of an array (or any unkeyed container), written as a list frame.
struct ETFStreamUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: ETFStreamEncoder
    let frame: ETFFrameHandle
    var codingPath: [any CodingKey] { encoder.path }
    var count: Int {
        frame.index >= 0 && frame.index < encoder.frames.count && encoder.frames[frame.index].id == frame.id
            ? encoder.frames[frame.index].count : 0
    }

    private func begin() -> Bool { encoder.beginElement(frame) }

    mutating func encodeNil() throws { if begin() { encoder.appendUndefined() } }
    mutating func encode(_ value: Bool) throws { if begin() { encoder.appendBool(value) } }
    mutating func encode(_ value: String) throws { if begin() { try encoder.appendString(value) } }
    mutating func encode(_ value: Double) throws { if begin() { try encoder.appendDouble(value) } }
    mutating func encode(_ value: Float) throws { if begin() { try encoder.appendDouble(Double(value)) } }
    mutating func encode(_ value: Int) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int8) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int16) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int32) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int64) throws { if begin() { encoder.appendInt64(value) } }
    mutating func encode(_ value: UInt) throws { if begin() { encoder.appendUInt64(UInt64(value)) } }
    mutating func encode(_ value: UInt8) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: UInt16) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: UInt32) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: UInt64) throws { if begin() { encoder.appendUInt64(value) } }

    mutating func encode<T: Encodable>(_ value: T) throws {
        guard begin() else { return }
        try encoder.encodeValue(value, at: ETFLazyIndexKey(intValue: encoder.frames[frame.index].count - 1))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let nested = begin() ? encoder.pushFrame(.keyed, isPayload: false) : .invalid
        return KeyedEncodingContainer(ETFStreamKeyedContainer<NestedKey>(encoder: encoder, frame: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = begin() ? encoder.pushFrame(.unkeyed, isPayload: false) : .invalid
        return ETFStreamUnkeyedContainer(encoder: encoder, frame: nested)
    }

    mutating func superEncoder() -> any Encoder {
        encoder.failed = true
        return encoder
    }
}

/// A value's single value: written in place, once, before anything else of that value.
struct ETFStreamSingleValueContainer: SingleValueEncodingContainer {
    let encoder: ETFStreamEncoder
    let level: Int
    let start: Int
    var codingPath: [any CodingKey] { encoder.path }

    /// Whether the value may be written now; a second write (the Term path keeps the last)
    /// or one after a container of the same value makes the encoder fall back.
    private func begin() -> Bool {
        guard !encoder.failed else { return false }
        guard encoder.frames.count == level, encoder.bytes.count == start else {
            encoder.failed = true
            return false
        }
        return true
    }

    mutating func encodeNil() throws { if begin() { encoder.appendUndefined() } }
    mutating func encode(_ value: Bool) throws { if begin() { encoder.appendBool(value) } }
    mutating func encode(_ value: String) throws { if begin() { try encoder.appendString(value) } }
    mutating func encode(_ value: Double) throws { if begin() { try encoder.appendDouble(value) } }
    mutating func encode(_ value: Float) throws { if begin() { try encoder.appendDouble(Double(value)) } }
    mutating func encode(_ value: Int) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int8) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int16) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int32) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: Int64) throws { if begin() { encoder.appendInt64(value) } }
    mutating func encode(_ value: UInt) throws { if begin() { encoder.appendUInt64(UInt64(value)) } }
    mutating func encode(_ value: UInt8) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: UInt16) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: UInt32) throws { if begin() { encoder.appendInt64(Int64(value)) } }
    mutating func encode(_ value: UInt64) throws { if begin() { encoder.appendUInt64(value) } }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if begin() { try encoder.encodeValue(value) }
    }
}

/// The coding key of a list element, its description built only when asked for.
struct ETFLazyIndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
