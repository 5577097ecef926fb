/// Decodes `Decodable` values from ``Term``s, and through ``ETF`` from bytes.
///
/// Reads the layout ``TermEncoder`` writes, and is lenient where Erlang code commonly differs:
///
/// - a `String` decodes from a UTF-8 binary, an atom or a charlist;
/// - a `Double` decodes from a float or an integer;
/// - a struct field is looked up by atom key, then by binary key (`#{<<"name">> => ...}`);
/// - `nil` is a missing key, or the atom `undefined` or `nil`;
/// - enum cases decode from an atom (`get`), a tagged tuple (`{add, 1}`) or a one-key map
///   (`#{add => #{'_0' => 1}}`);
/// - `Pid` and `Ref` decode from their native term or their URI string, `Node` from an
///   atom or a string.
///
/// Shape mismatches throw `DecodingError` with the coding path; nothing traps.
public struct TermDecoder: Sendable {
    /// Options for the ETF bytes of ``decode(_:fromETF:)``.
    public var etfOptions: ETF.DecodingOptions

    /// Creates a decoder.
    public init(etfOptions: ETF.DecodingOptions = .init()) {
        self.etfOptions = etfOptions
    }

    /// Decodes a `T` from `term`.
    public func decode<T: Decodable>(_ type: T.Type, from term: Term) throws -> T {
        try TermDecoderImpl(term: term).unbox(term, as: T.self, at: nil)
    }

    /// Decodes a `T` from ETF bytes, version byte included: `binary_to_term(Bytes)` then
    /// ``decode(_:from:)``. Throws ``ETFError`` for malformed bytes.
    public func decode<T: Decodable>(_ type: T.Type, fromETF bytes: [UInt8]) throws -> T {
        try decode(T.self, from: ETF.decode(bytes, options: etfOptions))
    }

    /// Decodes a `T` from ETF bytes in a slice, version byte included.
    public func decode<T: Decodable>(_ type: T.Type, fromETF bytes: ArraySlice<UInt8>) throws -> T {
        try decode(T.self, from: ETF.decode(bytes, options: etfOptions))
    }
}

/// The `Decoder` handed to `init(from:)` implementations: one term at one coding path.
///
/// The path is a chain of parents, built into an array only when asked for (errors, or an
/// `init(from:)` that reads it): building it for every value dominated decoding.
final class TermDecoderImpl: Decoder {
    let term: Term
    private let parent: TermDecoderImpl?
    private let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var codingPath: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node: TermDecoderImpl? = self
        while let current = node {
            if let key = current.key { keys.append(key) }
            node = current.parent
        }
        return keys.reversed()
    }

    /// A decoder for `term` at the root (empty path).
    init(term: Term) {
        self.term = term
        self.parent = nil
        self.key = nil
    }

    /// A decoder for `term` at `key` below `parent` (at `parent`'s path when `key` is nil).
    init(term: Term, parent: TermDecoderImpl, key: (any CodingKey)?) {
        self.term = term
        self.parent = parent
        self.key = key
    }

    /// The path of the value at `key` below this decoder.
    func path(_ key: (any CodingKey)?) -> [any CodingKey] {
        key.map { codingPath + [$0] } ?? codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try TermKeyedDecodingContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch term {
        case .list(let elements): return TermUnkeyedDecodingContainer(decoder: self, elements: elements)
        case .binary(let bytes):
            // A binary reads as a list of bytes, so `[UInt8]`-like containers accept it.
            return TermUnkeyedDecodingContainer(decoder: self, elements: bytes.map { .integer(Int64($0)) })
        default:
            throw mismatch([Term].self, "a list")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TermSingleValueDecodingContainer(decoder: self)
    }

    /// Decodes a `T` from `term`, the value at `key` below this decoder's path.
    func unbox<T: Decodable>(_ term: Term, as type: T.Type, at key: (any CodingKey)?) throws -> T {
        // Metatype comparisons and bit casts: `is`/`as!` are dynamic casts in generic code.
        if T.self == String.self {
            return unsafeBitCast(try TermDecoderImpl.string(term, path: self.path(key)), to: T.self)
        }
        if T.self == Int.self {
            return unsafeBitCast(try TermDecoderImpl.integer(term, as: Int.self, path: self.path(key)), to: T.self)
        }
        if T.self == Double.self {
            return unsafeBitCast(try TermDecoderImpl.double(term, path: self.path(key)), to: T.self)
        }
        if T.self == Bool.self {
            return unsafeBitCast(try TermDecoderImpl.bool(term, path: self.path(key)), to: T.self)
        }
        let child = TermDecoderImpl(term: term, parent: self, key: key)
        if let native = type as? any TermNativeDecodable.Type, let value = try native.decodeNative(from: child) {
            return value as! T
        }
        return try T(from: child)
    }

    func mismatch(_ type: Any.Type, _ expected: String) -> DecodingError {
        .typeMismatch(
            type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(term.kindName)"))
    }

    // MARK: Scalars

    static func isNil(_ term: Term) -> Bool {
        term == .atom("undefined") || term == .atom("nil")
    }

    static func string(_ term: Term, path: @autoclosure () -> [any CodingKey]) throws -> String {
        switch term {
        case .atom(let name): return name
        case .binary(let bytes):
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "binary is not valid UTF-8"))
        case .list:
            if let text = term.stringValue { return text }
        default: break
        }
        throw DecodingError.typeMismatch(
            String.self,
            .init(codingPath: path(), debugDescription: "expected a binary, atom or charlist, found \(term.kindName)"))
    }

    static func bool(_ term: Term, path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        if let value = term.boolValue { return value }
        throw DecodingError.typeMismatch(
            Bool.self, .init(codingPath: path(), debugDescription: "expected true or false, found \(term.kindName)"))
    }

    static func double(_ term: Term, path: @autoclosure () -> [any CodingKey]) throws -> Double {
        switch term {
        case .float(let value): return value
        case .integer(let value): return Double(value)
        case .bigInteger(let big): return big.doubleValue
        default:
            throw DecodingError.typeMismatch(
                Double.self, .init(codingPath: path(), debugDescription: "expected a float, found \(term.kindName)"))
        }
    }

    static func integer<I: FixedWidthInteger>(_ term: Term, as type: I.Type, path: @autoclosure () -> [any CodingKey])
        throws -> I
    {
        let result: I?
        switch term {
        case .integer(let value): result = I(exactly: value)
        case .bigInteger(let big): result = big.uint64Value.flatMap { I(exactly: $0) }
        default:
            throw DecodingError.typeMismatch(
                I.self, .init(codingPath: path(), debugDescription: "expected an integer, found \(term.kindName)"))
        }
        guard let value = result else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: path(), debugDescription: "\(term) does not fit in \(I.self)"))
        }
        return value
    }
}

extension Term {
    /// A short name of the term's kind for error messages: `atom`, `integer`, `binary`, ...
    var kindName: String {
        switch self {
        case .atom(let name): "atom \(Term.quotedAtom(name))"
        case .integer, .bigInteger: "integer"
        case .float: "float"
        case .binary: "binary"
        case .list(let elements): elements.isEmpty ? "[]" : "list"
        case .improperList: "improper list"
        case .tuple: "tuple"
        case .map: "map"
        case .pid: "pid"
        case .ref: "reference"
        }
    }
}
