/// A type with a native term that ``TermEncoder`` uses instead of its generic `Codable` form
/// (as `JSONEncoder` special-cases `Date`).
protocol TermNativeEncodable {
    func nativeTerm(encoder: TermEncoderImpl, at key: (any CodingKey)?) throws -> Term
}

/// A type with a native term that ``TermDecoder`` reads directly. Returning `nil` means the
/// term is not the native form, and the decoder falls back to the type's `Codable` form.
protocol TermNativeDecodable {
    static func decodeNative(from decoder: TermDecoderImpl) throws -> Self?
}

extension Term: TermNativeEncodable, TermNativeDecodable {
    func nativeTerm(encoder: TermEncoderImpl, at key: (any CodingKey)?) throws -> Term { self }
    static func decodeNative(from decoder: TermDecoderImpl) throws -> Term? { decoder.term }
}

extension Pid: TermNativeEncodable, TermNativeDecodable {
    func nativeTerm(encoder: TermEncoderImpl, at key: (any CodingKey)?) throws -> Term { .pid(self) }
    static func decodeNative(from decoder: TermDecoderImpl) throws -> Pid? { decoder.term.pidValue }
}

extension Ref: TermNativeEncodable, TermNativeDecodable {
    func nativeTerm(encoder: TermEncoderImpl, at key: (any CodingKey)?) throws -> Term { .ref(self) }
    static func decodeNative(from decoder: TermDecoderImpl) throws -> Ref? { decoder.term.refValue }
}

extension Node: TermNativeEncodable, TermNativeDecodable {
    func nativeTerm(encoder: TermEncoderImpl, at key: (any CodingKey)?) throws -> Term { .atom(name) }
    static func decodeNative(from decoder: TermDecoderImpl) throws -> Node? {
        guard case .atom(let name) = decoder.term else { return nil }
        guard let node = Node(name) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid node name '\(name)'"))
        }
        return node
    }
}

extension Array: TermNativeEncodable where Element == UInt8 {
    func nativeTerm(encoder: TermEncoderImpl, at key: (any CodingKey)?) throws -> Term { .binary(self) }
}

extension Array: TermNativeDecodable where Element == UInt8 {
    static func decodeNative(from decoder: TermDecoderImpl) throws -> [UInt8]? { decoder.term.binaryValue }
}

extension Dictionary: TermNativeEncodable where Key: Encodable, Value: Encodable {
    /// A map whose keys are encoded like any value (so `String` keys are binaries).
    func nativeTerm(encoder: TermEncoderImpl, at key: (any CodingKey)?) throws -> Term {
        let path = key.map { encoder.codingPath + [$0] } ?? encoder.codingPath
        let child = TermEncoderImpl(codingPath: path)
        var map: [Term: Term] = [:]
        map.reserveCapacity(count)
        for (k, v) in self {
            let codingKey = TermIndexKey(stringValue: "\(k)")
            map[try child.box(k, at: codingKey)] = try child.box(v, at: codingKey)
        }
        return .map(map)
    }
}

extension Dictionary: TermNativeDecodable where Key: Decodable, Value: Decodable {
    static func decodeNative(from decoder: TermDecoderImpl) throws -> [Key: Value]? {
        guard case .map(let map) = decoder.term else {
            throw DecodingError.typeMismatch(
                Self.self,
                .init(
                    codingPath: decoder.codingPath, debugDescription: "expected a map, found \(decoder.term.kindName)"))
        }
        var result: [Key: Value] = [:]
        result.reserveCapacity(map.count)
        for (k, v) in map {
            let codingKey = TermMapKey(key: k)
            let key = try decoder.unbox(k, as: Key.self, at: codingKey)
            if result.updateValue(try decoder.unbox(v, as: Value.self, at: codingKey), forKey: key) != nil {
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath + [codingKey],
                        debugDescription: "two map keys decode to the same \(Key.self)"))
            }
        }
        return result
    }
}

/// The coding key of a map entry while decoding: the key term, printed only when asked for.
struct TermMapKey: CodingKey {
    let key: Term
    var stringValue: String { key.description }
    var intValue: Int? { nil }
    init(key: Term) { self.key = key }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}
