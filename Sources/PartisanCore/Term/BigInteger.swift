/// An arbitrary-precision integer as ETF carries it: a sign and a little-endian magnitude.
public struct BigInteger: Hashable, Sendable {
    /// Whether the value is negative.
    public let isNegative: Bool
    /// The absolute value, little-endian bytes without trailing zero bytes.
    public let magnitude: [UInt8]

    /// Creates a big integer from a sign and a little-endian magnitude; trailing zero bytes are
    /// dropped, and zero is never negative.
    public init(isNegative: Bool, magnitude: [UInt8]) {
        var bytes = magnitude
        while bytes.last == 0 { bytes.removeLast() }
        self.magnitude = bytes
        self.isNegative = isNegative && !bytes.isEmpty
    }
}
