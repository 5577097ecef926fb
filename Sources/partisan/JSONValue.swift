import Partisan

/// A JSON value, to carry `partisan rpc`'s arguments and results: JSON in, ``Term`` to the
/// function, ``Term`` back, JSON out.
///
/// JSON → term: objects become maps with binary keys (``TermDecoder`` reads a struct's fields
/// from atom or binary keys), strings binaries, integers integers, other numbers floats,
/// `true`/`false` atoms, `null` the atom `undefined`, arrays lists. Term → JSON: the reverse,
/// plus tuples as arrays, other atoms, big integers, pids and references as strings, and
/// binaries that are not UTF-8 as arrays of bytes.
enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The term a function receives for this JSON value.
    var term: Term {
        switch self {
        case .null: .atom("undefined")
        case .bool(let value): .atom(value ? "true" : "false")
        case .integer(let value): .integer(value)
        case .number(let value): .float(value)
        case .string(let value): .string(value)
        case .array(let values): .list(values.map(\.term))
        case .object(let fields):
            .map(Dictionary(uniqueKeysWithValues: fields.map { (Term.string($0.key), $0.value.term) }))
        }
    }

    /// The JSON form of `term`.
    init(_ term: Term) {
        switch term {
        case .atom("true"): self = .bool(true)
        case .atom("false"): self = .bool(false)
        case .atom("undefined"), .atom("nil"): self = .null
        case .atom(let name): self = .string(name)
        case .integer(let value): self = .integer(value)
        case .float(let value): self = .number(value)
        case .binary(let bytes):
            if let text = String(validating: bytes, as: UTF8.self) {
                self = .string(text)
            } else {
                self = .array(bytes.map { .integer(Int64($0)) })
            }
        case .list(let elements), .tuple(let elements): self = .array(elements.map(JSONValue.init))
        case .improperList(let elements, let tail): self = .array((elements + [tail]).map(JSONValue.init))
        case .map(let fields):
            var object: [String: JSONValue] = [:]
            for (key, value) in fields {
                let name: String =
                    switch key {
                    case .atom(let name): name
                    case .binary(let bytes): String(decoding: bytes, as: UTF8.self)
                    default: "\(key)"
                    }
                object[name] = JSONValue(value)
            }
            self = .object(object)
        case .pid(let pid): self = .string(pid.description)
        case .ref(let ref): self = .string(ref.description)
        default: self = .string("\(term)")
        }
    }
}
