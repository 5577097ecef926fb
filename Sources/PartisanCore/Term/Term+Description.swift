extension Term: CustomStringConvertible {
    /// The term in Erlang syntax, as `io:format("~w")` would print it but with printable
    /// charlists as strings: `{ok,[1,2]}`, `<<"abc">>`, `#{a => 1}`, `'EXIT'`, `"hi"`.
    ///
    /// Numbers, atoms, binaries, lists, tuples and maps print as valid Erlang source. Pids and
    /// references carry their node, so they print as `<a@host.ID.SERIAL.CREATION>` and
    /// `#Ref<a@host.CREATION.W0.W1.W2>`, which Erlang cannot read back.
    public var description: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .atom(let name): out += Term.quotedAtom(name)
        case .integer(let value): out += String(value)
        case .bigInteger(let big): out += big.description
        case .float(let value): out += Term.erlangFloat(value)
        case .binary(let bytes): Term.writeBinary(bytes, to: &out)
        case .list(let elements):
            if let text = Term.printableCharlist(elements) {
                out += "\"" + text + "\""
            } else {
                Term.writeSequence(elements, open: "[", close: "]", to: &out)
            }
        case .improperList(let elements, let tail):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                element.write(to: &out)
            }
            out += "|"
            tail.write(to: &out)
            out += "]"
        case .tuple(let elements): Term.writeSequence(elements, open: "{", close: "}", to: &out)
        case .map(let map):
            out += "#{"
            for (i, pair) in map.sorted(by: { Term.mapKeyOrder($0.key, $1.key) < 0 }).enumerated() {
                if i > 0 { out += "," }
                pair.key.write(to: &out)
                out += " => "
                pair.value.write(to: &out)
            }
            out += "}"
        case .pid(let pid): out += "<\(pid.node.name).\(pid.id).\(pid.serial).\(pid.creation)>"
        case .ref(let ref):
            out += "#Ref<\(ref.node.name).\(ref.creation).\(ref.words.0).\(ref.words.1).\(ref.words.2)>"
        }
    }

    private static func writeSequence(_ elements: [Term], open: String, close: String, to out: inout String) {
        out += open
        for (i, element) in elements.enumerated() {
            if i > 0 { out += "," }
            element.write(to: &out)
        }
        out += close
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

    private static func escaped(_ text: String, quote: Character) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if Character(scalar) == quote {
                    out += "\\" + String(quote)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func writeBinary(_ bytes: [UInt8], to out: inout String) {
        if !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            out += "<<\"" + escaped(String(decoding: bytes, as: UTF8.self), quote: "\"") + "\">>"
        } else if !bytes.isEmpty, bytes.contains(where: { $0 >= 0x80 }),
            let text = String(validating: bytes, as: UTF8.self),
            text.unicodeScalars.allSatisfy({
                $0.value >= 0x20 && $0.value != 0x7F && !$0.properties.isNoncharacterCodePoint
            })
        {
            out += "<<\"" + escaped(text, quote: "\"") + "\"/utf8>>"
        } else {
            out += "<<" + bytes.map { String($0) }.joined(separator: ",") + ">>"
        }
    }

    /// The text of a non-empty list of printable ASCII code points, which Erlang prints as a
    /// string.
    private static func printableCharlist(_ elements: [Term]) -> String? {
        guard !elements.isEmpty else { return nil }
        var text = ""
        for element in elements {
            guard case .integer(let code) = element, code >= 0x20, code < 0x7F else { return nil }
            text.unicodeScalars.append(Unicode.Scalar(UInt8(code)))
        }
        return escaped(text, quote: "\"")
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
