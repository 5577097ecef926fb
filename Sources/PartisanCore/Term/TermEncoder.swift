/// Encodes `Encodable` values as ``Term``s, and through ``ETF`` as bytes.
///
/// The layout is natural for Erlang (see `Guides/TermCodec.md` for the full table):
///
/// | Swift | Erlang term |
/// |---|---|
/// | struct / class (keyed container) | map with atom keys, `#{name => <<"Bob">>, age => 42}` |
/// | `nil` field of a struct | key absent |
/// | `nil` elsewhere (array element, top level) | atom `undefined` |
/// | `Bool` | atoms `true` / `false` |
/// | `Int`, `Int8`…`UInt64` | integer (a big integer above `Int64.max`) |
/// | `Double`, `Float` | float (NaN and infinities throw `EncodingError.invalidValue`) |
/// | `String` | UTF-8 binary `<<"text">>` (Elixir's string) |
/// | array, set | proper list |
/// | `[UInt8]`, `Data` | binary |
/// | `[K: V]` | map whose keys are encoded like any other value: `[String: V]` has binary keys, `[Int: V]` integer keys, `[Pid: V]` pid keys |
/// | `Pid`, `Ref`, `Term` | native pid, reference, the term itself |
/// | `Node` | atom `'a@127.0.0.1'` |
/// | enum case without payload | atom, `get` |
/// | enum case with unlabeled payload | tuple, `{add, 1}`, `{move, 1, 2}` |
/// | enum case with any labeled value | `#{move => #{x => 1, y => 2}}` |
/// | `String`/`Int` raw-value enum | its raw value (binary / integer) |
///
/// Enum cases are recognised by the shape Swift's synthesized `Codable` gives them: a keyed
/// container with a single key whose value was made with `nestedContainer(keyedBy:forKey:)`.
/// ``TermDecoder`` reads all three enum forms back.
public struct TermEncoder: Sendable {
    /// Options for the ETF bytes of ``encodeETF(_:)``.
    public var etfOptions: ETF.EncodingOptions

    /// Creates an encoder.
    public init(etfOptions: ETF.EncodingOptions = .init()) {
        self.etfOptions = etfOptions
    }

    /// Encodes `value` as a term. Throws `EncodingError` for values with no term (non-finite
    /// floats) and whatever `value.encode(to:)` throws.
    public func encode<T: Encodable>(_ value: T) throws -> Term {
        try TermEncoderImpl(codingPath: []).box(value)
    }

    /// Encodes `value` as ETF bytes, version byte included: `term_to_binary(Term)`.
    ///
    /// Writes the bytes directly, without building the term; the result is byte for byte
    /// `ETF.encode(encode(value))`. Values the direct writer cannot reproduce exactly (see
    /// `ETFStreamEncoder`), and every error, go through ``encode(_:)`` and ``ETF``, so errors
    /// are the same too (`value.encode(to:)` then runs a second time).
    public func encodeETF<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        try encodeETF(value, appendingTo: &bytes)
        return bytes
    }

    /// Appends the ETF bytes of `value`, version byte included, to `buffer`.
    ///
    /// On error, `buffer` may hold a partial encoding after its original contents.
    public func encodeETF<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        if ETFStreamEncoder.encode(value, appendingTo: &buffer, options: etfOptions) { return }
        try ETF.encode(encode(value), appendingTo: &buffer, options: etfOptions)
    }

    /// Appends the ETF bytes of `value` without the version byte: the value as one element
    /// of a term being written around it (see ``ETFWriter``).
    package func encodeETFElement<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        if ETFStreamEncoder.encode(value, appendingTo: &buffer, options: etfOptions, versionByte: false) { return }
        var writer = ETFWriter(bytes: buffer, options: etfOptions)
        buffer = []
        defer { buffer = writer.bytes }
        try writer.write(encode(value), depth: 1)
    }
}

/// What an encoder or container has written so far; containers are reference boxes so that
/// nested containers can keep writing after their parent handed them out.
enum TermEncodingSlot {
    case term(Term)
    case keyed(TermKeyedBox)
    case unkeyed(TermUnkeyedBox)
    case encoder(TermEncoderImpl)

    func finish() throws -> Term {
        switch self {
        case .term(let term): term
        case .keyed(let box): try box.finish()
        case .unkeyed(let box): .list(try box.elements.map { try $0.finish() })
        case .encoder(let encoder): try encoder.finish()
        }
    }
}

final class TermKeyedBox {
    var entries: [(key: String, slot: TermEncodingSlot)] = []

    /// A map with atom keys, or the enum shapes (atom, tagged tuple) when the only entry is a
    /// nested keyed container.
    func finish() throws -> Term {
        if entries.count == 1, case .keyed(let payload) = entries[0].slot {
            let tag = Term.atom(entries[0].key)
            if payload.entries.isEmpty { return tag }
            if payload.entries.enumerated().allSatisfy({ $0.element.key == "_\($0.offset)" }) {
                var elements = [tag]
                elements.reserveCapacity(payload.entries.count + 1)
                for entry in payload.entries { elements.append(try entry.slot.finish()) }
                return .tuple(elements)
            }
        }
        var map: [Term: Term] = [:]
        map.reserveCapacity(entries.count)
        for entry in entries { map[.atom(entry.key)] = try entry.slot.finish() }
        return .map(map)
    }
}

final class TermUnkeyedBox {
    var elements: [TermEncodingSlot] = []
}

/// The `Encoder` handed to `encode(to:)` implementations.
final class TermEncoderImpl: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var slot: TermEncodingSlot?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    func finish() throws -> Term {
        try slot?.finish() ?? .map([:])
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: TermKeyedBox
        if case .keyed(let existing) = slot {
            box = existing
        } else {
            box = TermKeyedBox()
            slot = .keyed(box)
        }
        return KeyedEncodingContainer(TermKeyedEncodingContainer<Key>(encoder: self, box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: TermUnkeyedBox
        if case .unkeyed(let existing) = slot {
            box = existing
        } else {
            box = TermUnkeyedBox()
            slot = .unkeyed(box)
        }
        return TermUnkeyedEncodingContainer(encoder: self, box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        TermSingleValueEncodingContainer(encoder: self)
    }

    /// The term for `value`, with special cases for types that have a native term.
    func box<T: Encodable>(_ value: T, at key: (any CodingKey)? = nil) throws -> Term {
        switch value {
        case let string as String: return .binary(Array(string.utf8))
        case let int as Int: return .integer(Int64(int))
        case let double as Double: return try boxFloat(double, at: key)
        case let bool as Bool: return .bool(bool)
        case let native as any TermNativeEncodable: return try native.nativeTerm(encoder: self, at: key)
        default:
            let child = TermEncoderImpl(codingPath: key.map { codingPath + [$0] } ?? codingPath)
            try value.encode(to: child)
            return try child.finish()
        }
    }

    func boxFloat(_ value: Double, at key: (any CodingKey)?) throws -> Term {
        guard value.isFinite else {
            let path = key.map { codingPath + [$0] } ?? codingPath
            throw EncodingError.invalidValue(
                value, .init(codingPath: path, debugDescription: "Erlang floats cannot be NaN or infinite"))
        }
        return .float(value)
    }
}
