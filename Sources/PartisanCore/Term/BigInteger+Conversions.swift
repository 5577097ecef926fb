extension BigInteger {
    /// Creates a big integer holding `value`.
    public init(_ value: Int64) {
        self.init(isNegative: value < 0, magnitude: BigInteger.littleEndianBytes(value.magnitude))
    }

    /// Creates a big integer holding `value`.
    public init(_ value: UInt64) {
        self.init(isNegative: false, magnitude: BigInteger.littleEndianBytes(value))
    }

    /// The value as an `Int64`, or `nil` if it does not fit.
    public var int64Value: Int64? {
        guard let m = magnitudeUInt64 else { return nil }
        if isNegative {
            if m <= UInt64(Int64.max) { return -Int64(m) }
            return m == UInt64(Int64.max) + 1 ? Int64.min : nil
        }
        return m <= UInt64(Int64.max) ? Int64(m) : nil
    }

    /// The value as a `UInt64`, or `nil` if it is negative or does not fit.
    public var uint64Value: UInt64? {
        isNegative ? nil : magnitudeUInt64
    }

    /// The magnitude as a `UInt64`, or `nil` if it needs more than 8 bytes.
    var magnitudeUInt64: UInt64? {
        guard magnitude.count <= 8 else { return nil }
        var m: UInt64 = 0
        for (i, byte) in magnitude.enumerated() { m |= UInt64(byte) << (8 * UInt64(i)) }
        return m
    }

    static func littleEndianBytes(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        var v = value
        while v != 0 {
            bytes.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
        return bytes
    }
}

extension BigInteger: Comparable {
    /// Numeric order.
    public static func < (lhs: BigInteger, rhs: BigInteger) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let magnitudeLess = BigInteger.magnitudeLess(lhs.magnitude, rhs.magnitude)
        let magnitudeEqual = lhs.magnitude == rhs.magnitude
        return lhs.isNegative ? !(magnitudeLess || magnitudeEqual) : magnitudeLess
    }

    static func magnitudeLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a.count != b.count { return a.count < b.count }
        var i = a.count - 1
        while i >= 0 {
            if a[i] != b[i] { return a[i] < b[i] }
            i -= 1
        }
        return false
    }

    /// The value as a `Double` (rounded; infinite when out of range).
    var doubleValue: Double {
        var result = 0.0
        for byte in magnitude.reversed() { result = result * 256 + Double(byte) }
        return isNegative ? -result : result
    }
}

extension BigInteger: CustomStringConvertible {
    /// The largest magnitude, in bytes, that ``description`` prints in decimal (2048 bits,
    /// 617 digits). Converting to decimal costs the square of the size; hexadecimal costs the
    /// size.
    public static let decimalDescriptionLimit = 256

    /// The value as Erlang source: in decimal, as Erlang prints it
    /// (`-1267650600228229401496703205376`), up to ``decimalDescriptionLimit`` bytes of
    /// magnitude; in hexadecimal above, in Erlang's `16#` notation (`-16#1F00…`), so that
    /// printing an integer from the network costs time in proportion to its size.
    public var description: String { description(maxDigits: .max) }

    /// ``description``, or its first `maxDigits` digits or more (a hexadecimal text is made
    /// only as far as asked).
    func description(maxDigits: Int) -> String {
        magnitude.count <= Self.decimalDescriptionLimit ? decimal : hexadecimal(maxDigits: maxDigits)
    }

    private var decimal: String {
        // Little-endian base-10^9 limbs, built by repeated multiply-add over the bytes.
        var limbs: [UInt32] = [0]
        for byte in magnitude.reversed() {
            var carry = UInt64(byte)
            for i in limbs.indices {
                let v = UInt64(limbs[i]) * 256 + carry
                limbs[i] = UInt32(v % 1_000_000_000)
                carry = v / 1_000_000_000
            }
            while carry != 0 {
                limbs.append(UInt32(carry % 1_000_000_000))
                carry /= 1_000_000_000
            }
        }
        var text = isNegative ? "-" : ""
        text += String(limbs[limbs.count - 1])
        for limb in limbs.dropLast().reversed() {
            let digits = String(limb)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }

    private func hexadecimal(maxDigits: Int) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = Array((isNegative ? "-16#" : "16#").utf8)
        // The magnitude has no trailing zero byte, so only its last (most significant) byte
        // may start with a zero digit, which is skipped.
        let limit = min(maxDigits, 2 * magnitude.count)
        text.reserveCapacity(text.count + limit)
        for (i, byte) in magnitude.reversed().enumerated() {
            if text.count >= limit + 4 { break }
            if i > 0 || byte >= 16 { text.append(digits[Int(byte >> 4)]) }
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
