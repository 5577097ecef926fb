/// Reads a struct's fields (or an enum's case) from a map, an atom or a tagged tuple.
struct TermKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The entries: a map's, or the one entry of an enum case (kept apart from a dictionary:
    /// a case is the commonest message, and one comparison costs less than hashing a term).
    enum Entries {
        case map([Term: Term])
        /// An enum case: its name (an atom) and its payload.
        case enumCase(tag: String, payload: Term)
    }

    let decoder: TermDecoderImpl
    let entries: Entries
    var codingPath: [any CodingKey] { decoder.codingPath }

    init(decoder: TermDecoderImpl) throws {
        self.decoder = decoder
        switch decoder.term {
        case .map(let map):
            self.entries = .map(map)
        case .atom(let tag):
            // An enum case without payload: `get` reads as `#{get => #{}}`.
            self.entries = .enumCase(tag: tag, payload: .map([:]))
        case .tuple(let elements) where elements.count >= 2:
            // An enum case with unlabeled payload: `{add, 1}` reads as `#{add => #{'_0' => 1}}`.
            guard case .atom(let tag) = elements[0] else { throw decoder.mismatch([String: Term].self, "a map") }
            var payload: [Term: Term] = [:]
            for (i, element) in elements.dropFirst().enumerated() { payload[.atom("_\(i)")] = element }
            self.entries = .enumCase(tag: tag, payload: .map(payload))
        default:
            throw decoder.mismatch([String: Term].self, "a map")
        }
    }

    var allKeys: [Key] {
        switch entries {
        case .enumCase(let tag, _):
            return Key(stringValue: tag).map { [$0] } ?? []
        case .map(let map):
            return map.keys.compactMap { key in
                switch key {
                case .atom(let name): Key(stringValue: name)
                case .binary: key.stringValue.flatMap { Key(stringValue: $0) }
                case .integer(let value): Int(exactly: value).flatMap { Key(intValue: $0) }
                default: nil
                }
            }
        }
    }

    private func lookup(_ key: Key) -> Term? {
        switch entries {
        case .enumCase(let tag, let payload):
            return key.stringValue == tag ? payload : nil
        case .map(let map):
            if let value = map[.atom(key.stringValue)] { return value }
            return map[.binary(Array(key.stringValue.utf8))]
        }
    }

    private func value(_ key: Key) throws -> Term {
        guard let value = lookup(key) else {
            throw DecodingError.keyNotFound(
                key,
                .init(codingPath: codingPath, debugDescription: "no key \(Term.quotedAtom(key.stringValue)) in the map")
            )
        }
        return value
    }

    private func path(_ key: Key) -> [any CodingKey] { decoder.path(key) }

    func contains(_ key: Key) -> Bool { lookup(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { TermDecoderImpl.isNil(try value(key)) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try TermDecoderImpl.bool(value(key), path: path(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try TermDecoderImpl.string(value(key), path: path(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try TermDecoderImpl.double(value(key), path: path(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        Float(try TermDecoderImpl.double(value(key), path: path(key)))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try int(key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try int(key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try int(key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try int(key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try int(key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try int(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try int(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try int(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try int(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try int(key) }

    private func int<I: FixedWidthInteger>(_ key: Key) throws -> I {
        try TermDecoderImpl.integer(value(key), as: I.self, path: path(key))
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.unbox(value(key), as: T.self, at: key)
    }

    /// `nil` when the key is absent; when its value is `undefined` or `nil`, the value if `T`
    /// itself decodes from that atom (an enum with a case `undefined`), `nil` otherwise.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let term = lookup(key) else { return nil }
        if TermDecoderImpl.isNil(term) { return try? decoder.unbox(term, as: T.self, at: key) }
        return try decoder.unbox(term, as: T.self, at: key)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try TermDecoderImpl(term: value(key), parent: decoder, key: key).container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try TermDecoderImpl(term: value(key), parent: decoder, key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        TermDecoderImpl(term: lookup(Key(stringValue: "super")!) ?? .undefined, parent: decoder, key: nil)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        TermDecoderImpl(term: lookup(key) ?? .undefined, parent: decoder, key: key)
    }
}

/// Reads the elements of a list one by one.
struct TermUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: TermDecoderImpl
    let elements: [Term]
    private(set) var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    init(decoder: TermDecoderImpl, elements: [Term]) {
        self.decoder = decoder
        self.elements = elements
    }

    private var key: TermIndexKey { TermIndexKey(index: currentIndex) }

    private mutating func next(_ type: Any.Type) throws -> Term {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                .init(codingPath: codingPath + [key], debugDescription: "the list has only \(elements.count) elements"))
        }
        defer { currentIndex += 1 }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, TermDecoderImpl.isNil(elements[currentIndex]) else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let elementKey = key
        return try TermDecoderImpl.bool(next(type), path: decoder.path(elementKey))
    }
    mutating func decode(_ type: String.Type) throws -> String {
        let elementKey = key
        return try TermDecoderImpl.string(next(type), path: decoder.path(elementKey))
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        let elementKey = key
        return try TermDecoderImpl.double(next(type), path: decoder.path(elementKey))
    }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try int() }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try int() }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try int() }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try int() }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try int() }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try int() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try int() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try int() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try int() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try int() }

    private mutating func int<I: FixedWidthInteger>() throws -> I {
        let elementKey = key
        return try TermDecoderImpl.integer(next(I.self), as: I.self, path: decoder.path(elementKey))
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let elementKey = key
        return try decoder.unbox(next(type), as: T.self, at: elementKey)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
        NestedKey
    > {
        let elementKey = key
        return try TermDecoderImpl(term: next([String: Term].self), parent: decoder, key: elementKey).container(
            keyedBy: NestedKey.self)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let elementKey = key
        return try TermDecoderImpl(term: next([Term].self), parent: decoder, key: elementKey).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let elementKey = key
        return TermDecoderImpl(term: try next(Term.self), parent: decoder, key: elementKey)
    }
}

/// Reads the decoder's whole term as one value.
struct TermSingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: TermDecoderImpl
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var term: Term { decoder.term }

    func decodeNil() -> Bool { TermDecoderImpl.isNil(term) }
    func decode(_ type: Bool.Type) throws -> Bool { try TermDecoderImpl.bool(term, path: codingPath) }
    func decode(_ type: String.Type) throws -> String { try TermDecoderImpl.string(term, path: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try TermDecoderImpl.double(term, path: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try TermDecoderImpl.double(term, path: codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try int() }
    func decode(_ type: Int8.Type) throws -> Int8 { try int() }
    func decode(_ type: Int16.Type) throws -> Int16 { try int() }
    func decode(_ type: Int32.Type) throws -> Int32 { try int() }
    func decode(_ type: Int64.Type) throws -> Int64 { try int() }
    func decode(_ type: UInt.Type) throws -> UInt { try int() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try int() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try int() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try int() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try int() }

    private func int<I: FixedWidthInteger>() throws -> I {
        try TermDecoderImpl.integer(term, as: I.self, path: codingPath)
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.unbox(term, as: T.self, at: nil)
    }
}
