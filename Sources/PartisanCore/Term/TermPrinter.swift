import HeapModule

/// Writes a term in Erlang syntax into a string of at most `limit` UTF-8 bytes (see
/// ``Term/description(limit:)``).
///
/// Its cost follows the text it writes, not the term: it stops at the limit, writes only the
/// part of a binary, charlist or big integer that fits, and picks the smallest keys of a large
/// map without sorting them all. Deciding how a binary or charlist prints still reads all of
/// it, so the whole costs at most one pass over the part of the term it reaches.
struct TermPrinter {
    /// The text so far.
    private(set) var out = ""
    /// The most UTF-8 bytes `out` may hold.
    let limit: Int
    /// Whether the text was cut at the limit.
    private(set) var truncated = false

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// How many more UTF-8 bytes fit.
    private var room: Int { limit - out.utf8.count }

    /// Appends `text`, or the whole characters of it that fit; marks the text truncated then.
    mutating func append(_ text: some StringProtocol) {
        guard !truncated else { return }
        if text.utf8.count <= room {
            out += text
            return
        }
        var used = 0
        var end = text.startIndex
        while end < text.endIndex {
            let size = text[end].utf8.count
            if used + size > room { break }
            used += size
            end = text.index(after: end)
        }
        out += text[..<end]
        truncated = true
    }

    mutating func write(_ term: Term) {
        guard !truncated else { return }
        switch term {
        case .atom(let name): append(Term.quotedAtom(name))
        case .integer(let value): append(String(value))
        case .bigInteger(let big): append(big.description(maxDigits: room))
        case .float(let value): append(Term.erlangFloat(value))
        case .binary(let bytes): writeBinary(bytes)
        case .list(let elements):
            if Self.isPrintableCharlist(elements) {
                append("\"")
                for element in elements {
                    guard !truncated, case .integer(let code) = element else { break }
                    append(Self.escaped(Unicode.Scalar(UInt8(code)), quote: "\""))
                }
                append("\"")
            } else {
                writeSequence(elements, open: "[", close: "]")
            }
        case .improperList(let elements, let tail):
            append("[")
            writeElements(elements)
            append("|")
            write(tail)
            append("]")
        case .tuple(let elements): writeSequence(elements, open: "{", close: "}")
        case .map(let map):
            append("#{")
            // Each entry takes at least 6 bytes (`k => v`): more than that many cannot show.
            for (i, key) in Self.smallestKeys(of: map, count: room / 6 + 1).enumerated() {
                guard !truncated else { break }
                if i > 0 { append(",") }
                write(key)
                append(" => ")
                write(map[key]!)
            }
            append("}")
        case .pid(let pid): append("<\(pid.node.name).\(pid.id).\(pid.serial).\(pid.creation)>")
        case .ref(let ref):
            append("#Ref<\(ref.node.name).\(ref.creation).\(ref.words.0).\(ref.words.1).\(ref.words.2)>")
        }
    }

    private mutating func writeSequence(_ elements: [Term], open: String, close: String) {
        append(open)
        writeElements(elements)
        append(close)
    }

    private mutating func writeElements(_ elements: [Term]) {
        for (i, element) in elements.enumerated() {
            guard !truncated else { return }
            if i > 0 { append(",") }
            write(element)
        }
    }

    /// A binary as Erlang prints it: `<<"text">>` when all printable ASCII, `<<"text"/utf8>>`
    /// when printable UTF-8, `<<1,2,3>>` otherwise.
    private mutating func writeBinary(_ bytes: [UInt8]) {
        if !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            append("<<\"")
            for byte in bytes {
                guard !truncated else { break }
                append(Self.escaped(Unicode.Scalar(byte), quote: "\""))
            }
            append("\">>")
        } else if !bytes.isEmpty, bytes.contains(where: { $0 >= 0x80 }), Self.isPrintableUTF8(bytes) {
            append("<<\"")
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while !truncated, case .scalarValue(let scalar) = decoder.decode(&iterator) {
                append(Self.escaped(scalar, quote: "\""))
            }
            append("\"/utf8>>")
        } else {
            append("<<")
            for (i, byte) in bytes.enumerated() {
                guard !truncated else { break }
                append(i > 0 ? ",\(byte)" : "\(byte)")
            }
            append(">>")
        }
    }

    /// Whether `bytes` are valid UTF-8 of printable scalars, read without making a string.
    private static func isPrintableUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                guard scalar.value >= 0x20, scalar.value != 0x7F, !scalar.properties.isNoncharacterCodePoint else {
                    return false
                }
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Whether `elements` is a non-empty list of printable ASCII code points, which Erlang
    /// prints as a string.
    private static func isPrintableCharlist(_ elements: [Term]) -> Bool {
        !elements.isEmpty
            && elements.allSatisfy {
                guard case .integer(let code) = $0 else { return false }
                return code >= 0x20 && code < 0x7F
            }
    }

    /// `scalar` as it reads inside a quoted atom or string closed by `quote`.
    static func escaped(_ scalar: Unicode.Scalar, quote: Unicode.Scalar) -> String {
        switch scalar {
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\t": return "\\t"
        case "\r": return "\\r"
        case quote: return "\\" + String(quote)
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F { return "\\x{" + String(scalar.value, radix: 16) + "}" }
            return String(scalar)
        }
    }

    /// The `count` smallest keys of `map` in map-key order (all of them, sorted, when it has
    /// no more): a heap of `count` keys, so a large map costs O(n log count), not a full sort.
    static func smallestKeys(of map: [Term: Term], count: Int) -> [Term] {
        guard map.count > count else { return OrderedTerm.sortedEntries(of: map).map(\.key) }
        var heap = Heap<MapKey>()
        for key in map.keys {
            heap.insert(MapKey(term: key, order: OrderedTerm(key)))
            if heap.count > count { heap.removeMax() }
        }
        var keys: [Term] = []
        keys.reserveCapacity(heap.count)
        while let smallest = heap.popMin() { keys.append(smallest.term) }
        return keys
    }

    /// A map key ordered by ``Term/mapKeyOrder(_:_:)``, prepared once.
    struct MapKey: Comparable {
        let term: Term
        let order: OrderedTerm
        static func < (lhs: MapKey, rhs: MapKey) -> Bool {
            OrderedTerm.compare(lhs.order, rhs.order, mapKeys: true) < 0
        }
        static func == (lhs: MapKey, rhs: MapKey) -> Bool { lhs.term == rhs.term }
    }
}
