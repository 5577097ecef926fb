/// Why bytes could not be decoded from, or a term could not be encoded to, Erlang's External
/// Term Format.
///
/// Offsets (`at:`) count bytes from the start of the input, the version byte included. Every
/// malformed input produces one of these cases; decoding never traps.
public enum ETFError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The input is empty or its first byte is not the version byte 131.
    case badVersion(UInt8?)
    /// The input ended while `needed` more bytes were expected at offset `at`.
    case truncated(at: Int, needed: Int)
    /// A tag byte that is not part of the External Term Format.
    case unknownTag(UInt8, at: Int)
    /// A valid ETF tag this codec does not support (ports, funs, bit binaries, compressed
    /// terms, atom cache references).
    case unsupportedTag(UInt8, name: String, at: Int)
    /// A declared length (of a binary, list, tuple, map, atom or big integer) that the remaining
    /// input cannot possibly hold.
    case lengthTooLarge(Int, at: Int)
    /// Terms nested deeper than the configured limit.
    case nestingTooDeep(limit: Int)
    /// A term inside more map keys than the configured limit
    /// (``ETF/DecodingOptions/maxMapKeyNesting``).
    case mapKeysNestedTooDeep(limit: Int)
    /// An atom whose bytes are not valid UTF-8.
    case invalidUTF8(at: Int)
    /// A pid or reference whose node atom is not a valid ``Node`` name (`name@host`).
    case invalidNode(String, at: Int)
    /// A reference with a word count this codec cannot represent (``Ref`` holds 3 words;
    /// 1 to 3 are accepted and zero-padded, 4 and 5 word references are rejected).
    case unsupportedReference(words: Int, at: Int)
    /// A map that holds the same key twice (Erlang rejects these too).
    case duplicateMapKey(at: Int)
    /// A value that is structurally wrong: a bad sign byte, a non-finite or unparsable float.
    case malformed(String, at: Int)
    /// The term ended before the input did.
    case trailingBytes(count: Int, at: Int)
    /// A term that has no ETF encoding: an atom longer than 255 characters, a NaN or infinite
    /// float, an improper list with no elements or with a list as its tail.
    case unencodable(String)

    public var description: String {
        switch self {
        case .badVersion(let byte?): "bad ETF version byte \(byte), expected 131"
        case .badVersion(nil): "empty ETF input, expected version byte 131"
        case .truncated(let at, let needed): "ETF input truncated at byte \(at): \(needed) more bytes expected"
        case .unknownTag(let tag, let at): "unknown ETF tag \(tag) at byte \(at)"
        case .unsupportedTag(let tag, let name, let at): "unsupported ETF tag \(tag) (\(name)) at byte \(at)"
        case .lengthTooLarge(let length, let at): "ETF length \(length) at byte \(at) exceeds the remaining input"
        case .nestingTooDeep(let limit): "ETF term nested deeper than \(limit) levels"
        case .mapKeysNestedTooDeep(let limit): "ETF term inside more than \(limit) map keys"
        case .invalidUTF8(let at): "invalid UTF-8 in ETF atom at byte \(at)"
        case .invalidNode(let name, let at):
            "invalid node name (\(name.utf8.count) bytes) in ETF pid or reference at byte \(at)"
        case .unsupportedReference(let words, let at):
            "ETF reference with \(words) words at byte \(at); 1 to 3 are supported"
        case .duplicateMapKey(let at): "duplicate key in ETF map at byte \(at)"
        case .malformed(let what, let at): "malformed ETF term at byte \(at): \(what)"
        case .trailingBytes(let count, let at): "\(count) trailing bytes after the ETF term at byte \(at)"
        case .unencodable(let what): "term cannot be encoded as ETF: \(what)"
        }
    }
}
