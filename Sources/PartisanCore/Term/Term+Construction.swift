extension Term {
    /// The integer `value`: `.integer` when it fits in 64 bits, `.bigInteger` otherwise.
    /// Use this rather than `.bigInteger` directly so equal numbers are equal terms.
    public init(integer value: BigInteger) {
        if let small = value.int64Value {
            self = .integer(small)
        } else {
            self = .bigInteger(value)
        }
    }

    /// The integer `value`: `.integer` when it fits in 64 bits, `.bigInteger` otherwise.
    public init(integer value: some BinaryInteger) {
        if let small = Int64(exactly: value) {
            self = .integer(small)
        } else if let unsigned = UInt64(exactly: value) {
            self = .bigInteger(BigInteger(unsigned))
        } else {
            // Wider than 64 bits (Int128 and friends): collect the magnitude byte by byte.
            var magnitude = value.magnitude
            var bytes: [UInt8] = []
            while magnitude != 0 {
                bytes.append(UInt8(truncatingIfNeeded: magnitude))
                magnitude >>= 8
            }
            self = .bigInteger(BigInteger(isNegative: value < 0, magnitude: bytes))
        }
    }

    /// A charlist: the list of `string`'s Unicode code points, Erlang's `"abc"`.
    public static func charlist(_ string: String) -> Term {
        .list(string.unicodeScalars.map { .integer(Int64($0.value)) })
    }

    /// A UTF-8 binary holding `string`, Erlang's `<<"abc"/utf8>>` (Elixir's string).
    public static func string(_ string: String) -> Term {
        .binary(Array(string.utf8))
    }

    /// The atom `true` or `false`.
    public static func bool(_ value: Bool) -> Term {
        .atom(value ? "true" : "false")
    }

    /// Erlang's `[]`.
    public static let emptyList: Term = .list([])

    /// The atom `ok`.
    public static let ok: Term = .atom("ok")

    /// The atom `undefined`, which ``TermEncoder`` writes for `nil` where it cannot omit it.
    public static let undefined: Term = .atom("undefined")
}

extension Term: ExpressibleByIntegerLiteral {
    /// An integer literal is `.integer`: `let t: Term = 42`.
    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}

extension Term: ExpressibleByFloatLiteral {
    /// A float literal is `.float`: `let t: Term = 1.5`.
    public init(floatLiteral value: Double) {
        self = .float(value)
    }
}

extension Term: ExpressibleByArrayLiteral {
    /// An array literal is a proper list: `let t: Term = [1, 2]` is Erlang's `[1,2]`.
    public init(arrayLiteral elements: Term...) {
        self = .list(elements)
    }
}

extension Term: ExpressibleByDictionaryLiteral {
    /// A dictionary literal is a map: `let t: Term = [.atom("a"): 1]` is `#{a => 1}`.
    /// Later duplicates win.
    public init(dictionaryLiteral elements: (Term, Term)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension Term: ExpressibleByStringLiteral {
    /// A string literal is an **atom**: `let t: Term = "ok"` is Erlang's `ok`.
    ///
    /// Atoms are what literals in Erlang code mostly are (tags, reasons, keys); write text as
    /// ``Term/string(_:)`` (a UTF-8 binary) or ``Term/charlist(_:)`` explicitly.
    public init(stringLiteral value: String) {
        self = .atom(value)
    }
}
