/// A small, fast, seedable random number generator (Steele, Lea and Flood's SplitMix64), so
/// that overlays and simulations started with the same seed make the same choices.
///
/// Not cryptographic. Overlays take one as their source of randomness; a real node seeds it
/// from the system generator, a simulation from its own seed.
public struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    private var state: UInt64

    /// A generator whose sequence is determined by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator seeded from the system's random source.
    public init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for a derived stream (for example one per simulated node): independent of
    /// this one's later output.
    public mutating func split() -> SplitMix64 {
        SplitMix64(seed: next())
    }
}
