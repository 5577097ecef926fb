extension Term: CustomStringConvertible {
    /// The term in Erlang syntax, as `io:format("~w")` would print it but with printable
    /// charlists as strings: `{ok,[1,2]}`, `<<"abc">>`, `#{a => 1}`, `'EXIT'`, `"hi"`; at most
    /// ``descriptionLimit`` bytes of it (see ``description(limit:)``).
    ///
    /// Numbers, atoms, binaries, lists, tuples and maps print as valid Erlang source. Pids and
    /// references carry their node, so they print as `<a@host.ID.SERIAL.CREATION>` and
    /// `#Ref<a@host.CREATION.W0.W1.W2>`, which Erlang cannot read back.
    public var description: String { description(limit: Term.descriptionLimit) }

    /// How many UTF-8 bytes of a term ``description`` shows: terms from other nodes end up in
    /// log lines and error texts, and printing one must not cost what the term's size costs.
    public static let descriptionLimit = 4096

    /// The term in Erlang syntax (as ``description``), cut after at most `limit` UTF-8 bytes.
    ///
    /// A cut text ends with `…` and a note of what the whole is:
    /// `[1,2,3,4,5… (cut at 10 bytes; the whole is a list of 100000 elements)`. The printing
    /// stops at the limit, so its cost follows `limit`, not the size of the term (but for one
    /// pass over each binary, list and map it reaches, to tell how Erlang would print it).
    /// Integers of more than ``BigInteger/decimalDescriptionLimit`` bytes print in hexadecimal
    /// (see ``BigInteger/description``). Pass `Int.max` for the whole text.
    public func description(limit: Int) -> String {
        var printer = TermPrinter(limit: limit)
        printer.write(self)
        guard printer.truncated else { return printer.out }
        return printer.out + "… (cut at \(limit) bytes; the whole is \(sizeNote))"
    }

    /// What the term is and how large, in words: `a list of 3 elements`, `a binary of 5 bytes`.
    var sizeNote: String {
        switch self {
        case .atom(let name): "an atom of \(name.utf8.count) bytes"
        case .integer: "an integer"
        case .bigInteger(let big): "an integer of \(big.magnitude.count) bytes"
        case .float: "a float"
        case .binary(let bytes): "a binary of \(bytes.count) bytes"
        case .list(let elements): "a list of \(elements.count) elements"
        case .improperList(let elements, _): "an improper list of \(elements.count) elements and a tail"
        case .tuple(let elements): "a tuple of \(elements.count) elements"
        case .map(let map): "a map of \(map.count) entries"
        case .pid: "a pid"
        case .ref: "a reference"
        }
    }

    private static let reservedWords: Set<String> = [
        "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case", "catch",
        "cond", "div", "else", "end", "fun", "if", "let", "maybe", "not", "of", "or", "orelse", "receive",
        "rem", "try", "when", "xor",
    ]

    /// An atom as Erlang source: bare when it is a lowercase ASCII identifier and not a
    /// reserved word, single-quoted and escaped otherwise.
    static func quotedAtom(_ name: String) -> String {
        var bare = !name.isEmpty && !reservedWords.contains(name)
        for (i, byte) in name.utf8.enumerated() where bare {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"),
                UInt8(ascii: "@"):
                bare = i > 0
            default: bare = false
            }
        }
        if bare { return name }
        return "'" + escaped(name, quote: "'") + "'"
    }

    private static func escaped(_ text: String, quote: Unicode.Scalar) -> String {
        var out = ""
        for scalar in text.unicodeScalars { out += TermPrinter.escaped(scalar, quote: quote) }
        return out
    }

    /// A float as Erlang source: always a digit on both sides of the point, exponent without
    /// `+` or leading zeros (`1.0e-5`, `1.5e300`).
    static func erlangFloat(_ value: Double) -> String {
        guard value.isFinite else { return value.description }
        let text = value.description
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            return text.contains(".") ? text : text + ".0"
        }
        var mantissa = String(text[..<e])
        if !mantissa.contains(".") { mantissa += ".0" }
        var exponent = String(text[text.index(after: e)...])
        var sign = ""
        if exponent.hasPrefix("+") { exponent.removeFirst() }
        if exponent.hasPrefix("-") {
            sign = "-"
            exponent.removeFirst()
        }
        while exponent.count > 1 && exponent.hasPrefix("0") { exponent.removeFirst() }
        return mantissa + "e" + sign + exponent
    }
}
