// `Data` is the byte type most Swift code sends, and Erlang expects bytes as a binary, so the
// codec special-cases it like `[UInt8]`. That needs the `Data` type, hence this one import:
// FoundationEssentials where available (no ICU, small), full Foundation elsewhere (macOS).
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Data: TermNativeEncodable, TermNativeDecodable {
    func nativeTerm(encoder: TermEncoderImpl, at key: (any CodingKey)?) throws -> Term { .binary([UInt8](self)) }
    static func decodeNative(from decoder: TermDecoderImpl) throws -> Data? {
        decoder.term.binaryValue.map { Data($0) }
    }
}

extension Data: ETFDirectEncodable {
    func writeETF(to encoder: ETFStreamEncoder) throws { try withUnsafeBytes { try encoder.appendBinary($0) } }
}
