/// A dynamic Erlang term: the values of Erlang's External Term Format (ETF, version 131).
///
/// `Term` is what travels on the wire and what untyped code (RPC arguments, exit reasons
/// from other nodes) works with. Typed code sends `Codable` values, which ``TermEncoder`` and
/// ``TermDecoder`` bridge to and from terms.
///
/// Erlang has no string type: a charlist is a `.list` of `.integer` code points (Erlang
/// encodes short byte-valued ones as `STRING_EXT`), and text is usually a UTF-8 `.binary`.
/// The empty list `[]` (Erlang's nil) is `.list([])`.
///
/// Only `improperList` is `indirect`: the other payloads are stored inline (arrays and
/// dictionaries already live on the heap), so decoding an integer or atom allocates nothing
/// extra. Erlang's term order is ``Term/compare(_:_:)``; the wire format is ``ETF``.
public enum Term: Hashable, Sendable {
    /// An atom, such as `ok` or `'EXIT'` (at most 255 code points).
    case atom(String)
    /// An integer that fits in 64 bits.
    case integer(Int64)
    /// An integer outside the 64-bit range (`SMALL_BIG_EXT` / `LARGE_BIG_EXT`). Values that
    /// fit in 64 bits are always `.integer`.
    case bigInteger(BigInteger)
    /// A 64-bit float (`NEW_FLOAT_EXT`).
    case float(Double)
    /// A binary (a byte string, `BINARY_EXT`).
    case binary([UInt8])
    /// A proper list; `.list([])` is Erlang's `[]`.
    case list([Term])
    /// An improper list `[E1, E2 | Tail]`: `elements` is non-empty and `tail` is not a list.
    indirect case improperList([Term], tail: Term)
    /// A tuple.
    case tuple([Term])
    /// A map. Keys are unique; the encoding orders them by Erlang's term order.
    case map([Term: Term])
    /// A process identifier.
    case pid(Pid)
    /// A reference.
    case ref(Ref)
}
