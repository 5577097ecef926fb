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
    /// The value in decimal, as Erlang prints it: `-1267650600228229401496703205376`.
    public var description: String {
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
}
