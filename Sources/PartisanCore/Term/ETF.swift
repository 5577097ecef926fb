/// Erlang's External Term Format, version 131: the bytes of `erlang:term_to_binary/1`.
///
/// ``encode(_:options:)`` produces exactly what OTP 25's `term_to_binary/1` produces by default
/// (for maps of at most 32 keys; larger maps are valid but ordered differently than Erlang's
/// hash-array-mapped maps), and ``decode(_:options:)`` reads what any OTP release writes, except
/// ports, funs, bit binaries and compressed terms, which it rejects with
/// ``ETFError/unsupportedTag(_:name:at:)``.
///
/// Decoding is safe on untrusted input: every malformed input throws an ``ETFError``, nothing
/// is preallocated beyond what the remaining bytes can hold, and nesting is limited by
/// ``DecodingOptions/maxDepth``.
public enum ETF {
    /// The version byte every ETF term starts with.
    public static let version: UInt8 = 131

    /// How atoms are written.
    public enum AtomEncoding: Sendable, Hashable {
        /// `ATOM_EXT` for atoms whose characters are all Latin-1, `SMALL_ATOM_UTF8_EXT` /
        /// `ATOM_UTF8_EXT` otherwise: OTP 25's default (`minor_version` 1).
        case latin1WhenPossible
        /// Always `SMALL_ATOM_UTF8_EXT` / `ATOM_UTF8_EXT`: OTP 26's default (`minor_version` 2).
        case utf8
    }

    /// Options for ``ETF/encode(_:options:)``.
    public struct EncodingOptions: Sendable, Hashable {
        /// How atoms are written; defaults to OTP 25's choice.
        public var atomEncoding: AtomEncoding
        /// The deepest nesting encoded before throwing ``ETFError/nestingTooDeep(limit:)``.
        public var maxDepth: Int

        /// Creates encoding options.
        public init(atomEncoding: AtomEncoding = .latin1WhenPossible, maxDepth: Int = 512) {
            self.atomEncoding = atomEncoding
            self.maxDepth = maxDepth
        }
    }

    /// Options for ``ETF/decode(_:options:)``.
    public struct DecodingOptions: Sendable, Hashable {
        /// The deepest nesting accepted; deeper input throws ``ETFError/nestingTooDeep(limit:)``.
        /// Decoding recurses once per level, so keep this within what a thread's stack can
        /// hold (the default, 512, needs well under 256 KiB).
        public var maxDepth: Int
        /// The most map keys a term may sit inside (a map key holding a map whose key holds a
        /// map...); deeper input throws ``ETFError/mapKeysNestedTooDeep(limit:)``. Inserting a
        /// key into its map hashes the whole key, so a term inside N keys is hashed N times:
        /// this bound keeps decoding linear in the input. Real terms rarely put a map in a key.
        public var maxMapKeyNesting: Int

        /// Creates decoding options.
        public init(maxDepth: Int = 512, maxMapKeyNesting: Int = 8) {
            self.maxDepth = maxDepth
            self.maxMapKeyNesting = maxMapKeyNesting
        }
    }

    /// Encodes `term` as ETF, version byte included.
    public static func encode(_ term: Term, options: EncodingOptions = .init()) throws(ETFError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        try encode(term, appendingTo: &bytes, options: options)
        return bytes
    }

    /// Appends the ETF encoding of `term`, version byte included, to `buffer`.
    ///
    /// On error, `buffer` may hold a partial encoding after its original contents.
    public static func encode(
        _ term: Term, appendingTo buffer: inout [UInt8], options: EncodingOptions = .init()
    ) throws(ETFError) {
        var writer = ETFWriter(bytes: buffer, options: options)
        buffer = []
        defer { buffer = writer.bytes }
        writer.bytes.append(version)
        try writer.write(term, depth: 0)
    }

    /// Decodes one ETF term that spans all of `bytes`, version byte included.
    public static func decode(_ bytes: [UInt8], options: DecodingOptions = .init()) throws(ETFError) -> Term {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(ETFError) -> Term in try decode(raw, options: options) }
        }.get()
    }

    /// Decodes one ETF term that spans all of `bytes`, version byte included. Error offsets
    /// count from the start of the slice.
    public static func decode(_ bytes: ArraySlice<UInt8>, options: DecodingOptions = .init()) throws(ETFError) -> Term {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(ETFError) -> Term in try decode(raw, options: options) }
        }.get()
    }

    /// Decodes one ETF term that spans all of `buffer`, version byte included.
    public static func decode(_ buffer: UnsafeRawBufferPointer, options: DecodingOptions = .init()) throws(ETFError)
        -> Term
    {
        var reader = ETFReader(buffer: buffer, options: options)
        guard let first = reader.peekByte() else { throw .badVersion(nil) }
        guard first == version else { throw .badVersion(first) }
        reader.offset = 1
        let term = try reader.readTerm(depth: 0)
        if reader.offset != buffer.count {
            throw .trailingBytes(count: buffer.count - reader.offset, at: reader.offset)
        }
        return term
    }
}

/// The tag bytes of the External Term Format.
enum ETFTag {
    static let newFloat: UInt8 = 70
    static let bitBinary: UInt8 = 77
    static let compressed: UInt8 = 80
    static let atomCacheRef: UInt8 = 82
    static let local: UInt8 = 121
    static let newPid: UInt8 = 88
    static let newPort: UInt8 = 89
    static let newerReference: UInt8 = 90
    static let smallInteger: UInt8 = 97
    static let integer: UInt8 = 98
    static let float: UInt8 = 99
    static let atom: UInt8 = 100
    static let reference: UInt8 = 101
    static let port: UInt8 = 102
    static let pid: UInt8 = 103
    static let smallTuple: UInt8 = 104
    static let largeTuple: UInt8 = 105
    static let nilList: UInt8 = 106
    static let string: UInt8 = 107
    static let list: UInt8 = 108
    static let binary: UInt8 = 109
    static let smallBig: UInt8 = 110
    static let largeBig: UInt8 = 111
    static let newFun: UInt8 = 112
    static let export: UInt8 = 113
    static let newReference: UInt8 = 114
    static let smallAtom: UInt8 = 115
    static let map: UInt8 = 116
    static let fun: UInt8 = 117
    static let atomUTF8: UInt8 = 118
    static let smallAtomUTF8: UInt8 = 119
    static let v4Port: UInt8 = 120

    /// Whether `tag` starts an atom (any of its four encodings).
    static func isAtom(_ tag: UInt8) -> Bool {
        tag == atom || tag == smallAtom || tag == atomUTF8 || tag == smallAtomUTF8
    }

    /// The name of a tag this codec recognises but does not support.
    static func unsupportedName(_ tag: UInt8) -> String? {
        switch tag {
        case bitBinary: "BIT_BINARY_EXT"
        case compressed: "compressed term"
        case atomCacheRef: "ATOM_CACHE_REF"
        case local: "LOCAL_EXT"
        case newPort: "NEW_PORT_EXT"
        case port: "PORT_EXT"
        case v4Port: "V4_PORT_EXT"
        case newFun: "NEW_FUN_EXT"
        case export: "EXPORT_EXT"
        case fun: "FUN_EXT"
        default: nil
        }
    }
}
