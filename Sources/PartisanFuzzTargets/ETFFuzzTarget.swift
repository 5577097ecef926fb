import PartisanCore

/// ``ETF`` on arbitrary bytes.
///
/// Properties checked on every input:
/// - decoding returns a term or throws an ``ETFError`` whose text is short (it carries no
///   peer bytes);
/// - a decoded term encodes, its encoding decodes to an equal term (same hash, compares
///   equal), and encoding that again gives the same bytes (the encoding is canonical);
/// - with UTF-8 atoms too;
/// - its description stays within ``Term/descriptionLimit`` and a short note;
/// - `TermDecoder` decodes it as a few `Codable` shapes or throws, never traps.
enum ETFFuzzTarget {
    static func run(_ input: UnsafeRawBufferPointer) {
        let term: Term
        do {
            term = try ETF.decode(input)
        } catch {
            fuzzCheck(error.description.utf8.count <= 200, "error text of \(error.description.utf8.count) bytes")
            return
        }
        checkRoundTrip(term, options: .init())
        checkRoundTrip(term, options: .init(atomEncoding: .utf8))
        fuzzCheck(Term.compare(term, term) == 0, "a term does not compare equal to itself")
        let text = term.description
        fuzzCheck(text.utf8.count <= Term.descriptionLimit + 120, "description of \(text.utf8.count) bytes")
        _ = try? TermDecoder().decode(Probe.self, from: term)
        _ = try? TermDecoder().decode([String: Int].self, from: term)
        _ = try? TermDecoder().decode([Probe.Command].self, from: term)
        _ = try? TermDecoder().decode(String.self, from: term)
    }

    private static func checkRoundTrip(_ term: Term, options: ETF.EncodingOptions) {
        let encoded: [UInt8]
        do {
            encoded = try ETF.encode(term, options: options)
        } catch {
            fuzzFailure("a decoded term does not encode: \(error)")
        }
        let again: Term
        do {
            again = try ETF.decode(encoded)
        } catch {
            fuzzFailure("an encoded term does not decode: \(error)")
        }
        fuzzCheck(again == term, "the encoding of a decoded term decodes to another term")
        fuzzCheck(again.hashValue == term.hashValue, "equal terms hash differently")
        fuzzCheck(Term.compare(again, term) == 0, "equal terms do not compare equal")
        fuzzCheck((try? ETF.encode(again, options: options)) == encoded, "encoding is not canonical")
    }

    /// `Codable` shapes for `TermDecoder` to try on decoded terms.
    struct Probe: Codable {
        enum Command: Codable {
            case get
            case add(Int)
            case rename(from: String, to: String)
        }

        var name: String
        var count: Int
        var ratio: Double?
        var flags: [Bool]
        var tags: [String: Int]
        var command: Command
        var bytes: [UInt8]
        var owner: Pid?
    }
}
