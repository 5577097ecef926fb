extension Term: Codable {
    /// Decodes a term. ``TermDecoder`` hands the term over as it is; other decoders read the
    /// generic form, the term's ETF bytes as an array of bytes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let bytes = try container.decode([UInt8].self)
        do {
            self = try ETF.decode(bytes)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes a term. ``TermEncoder`` writes the term as it is; other encoders write the
    /// generic form, the term's ETF bytes as an array of bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(ETF.encode(self))
    }
}
