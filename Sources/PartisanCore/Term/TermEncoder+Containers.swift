/// Writes a struct's (or an enum's) fields into a ``TermKeyedBox``; keys become atoms.
struct TermKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: TermEncoderImpl
    let box: TermKeyedBox
    let codingPath: [any CodingKey]

    private func set(_ term: Term, _ key: Key) { box.entries.append((key.stringValue, .term(term))) }

    mutating func encodeNil(forKey key: Key) throws { set(.undefined, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.binary(Array(value.utf8)), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(try encoder.boxFloat(value, at: key), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        set(try encoder.boxFloat(Double(value), at: key), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(Term(integer: value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.integer(Int64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.integer(Int64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.integer(Int64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(Term(integer: value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try encoder.box(value, at: key), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = TermKeyedBox()
        box.entries.append((key.stringValue, .keyed(nested)))
        return KeyedEncodingContainer(
            TermKeyedEncodingContainer<NestedKey>(encoder: encoder, box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = TermUnkeyedBox()
        box.entries.append((key.stringValue, .unkeyed(nested)))
        return TermUnkeyedEncodingContainer(encoder: encoder, box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(forKey: Key(stringValue: "super")!)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = TermEncoderImpl(codingPath: codingPath + [key])
        box.entries.append((key.stringValue, .encoder(child)))
        return child
    }
}

/// Writes the elements of an array (or any unkeyed container) into a list.
struct TermUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: TermEncoderImpl
    let box: TermUnkeyedBox
    let codingPath: [any CodingKey]
    var count: Int { box.elements.count }

    private var nextKey: TermIndexKey { TermIndexKey(index: box.elements.count) }
    private func append(_ term: Term) { box.elements.append(.term(term)) }

    mutating func encodeNil() throws { append(.undefined) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.binary(Array(value.utf8))) }
    mutating func encode(_ value: Double) throws { append(try encoder.boxFloat(value, at: nextKey)) }
    mutating func encode(_ value: Float) throws { append(try encoder.boxFloat(Double(value), at: nextKey)) }
    mutating func encode(_ value: Int) throws { append(.integer(Int64(value))) }
    mutating func encode(_ value: Int8) throws { append(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { append(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { append(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { append(.integer(value)) }
    mutating func encode(_ value: UInt) throws { append(Term(integer: value)) }
    mutating func encode(_ value: UInt8) throws { append(.integer(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { append(.integer(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { append(.integer(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { append(Term(integer: value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try encoder.box(value, at: nextKey))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let path = codingPath + [nextKey]
        let nested = TermKeyedBox()
        box.elements.append(.keyed(nested))
        return KeyedEncodingContainer(
            TermKeyedEncodingContainer<NestedKey>(encoder: encoder, box: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [nextKey]
        let nested = TermUnkeyedBox()
        box.elements.append(.unkeyed(nested))
        return TermUnkeyedEncodingContainer(encoder: encoder, box: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let child = TermEncoderImpl(codingPath: codingPath + [nextKey])
        box.elements.append(.encoder(child))
        return child
    }
}

/// Writes a single value as the encoder's whole term.
struct TermSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: TermEncoderImpl
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ term: Term) { encoder.slot = .term(term) }

    mutating func encodeNil() throws { set(.undefined) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.binary(Array(value.utf8))) }
    mutating func encode(_ value: Double) throws { set(try encoder.boxFloat(value, at: nil)) }
    mutating func encode(_ value: Float) throws { set(try encoder.boxFloat(Double(value), at: nil)) }
    mutating func encode(_ value: Int) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: Int8) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { set(.integer(value)) }
    mutating func encode(_ value: UInt) throws { set(Term(integer: value)) }
    mutating func encode(_ value: UInt8) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { set(Term(integer: value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        set(try encoder.box(value, at: nil))
    }
}

/// The coding key of an element of an unkeyed container or of a map entry.
/// Its `Index N` text is built only when asked for (error paths), not per element.
struct TermIndexKey: CodingKey {
    let intValue: Int?
    private let name: String?
    var stringValue: String { name ?? "Index \(intValue ?? 0)" }

    init(index: Int) {
        self.name = nil
        self.intValue = index
    }

    init(stringValue: String) {
        self.name = stringValue
        self.intValue = nil
    }

    init?(intValue: Int) { self.init(index: intValue) }
}
