#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How long a ``FaultSchedule`` delays a message: a constant, or drawn from a distribution
/// with the schedule's seeded generator.
public enum DelayDistribution: Sendable, Hashable {
    /// Always `delay`.
    case constant(Duration)
    /// Uniformly between `min` and `max` (microsecond steps).
    case uniform(min: Duration, max: Duration)
    /// Exponentially with mean `mean`, capped at twenty means.
    case exponential(mean: Duration)

    /// One delay drawn with `generator`; never negative.
    func draw(using generator: inout some RandomNumberGenerator) -> Duration {
        switch self {
        case .constant(let delay):
            return max(delay, .zero)
        case .uniform(let low, let high):
            let (a, b) = (Self.microseconds(low), Self.microseconds(high))
            guard a < b else { return .microseconds(max(0, a)) }
            return .microseconds(Int64.random(in: max(0, a)...b, using: &generator))
        case .exponential(let mean):
            let mean = Double(max(0, Self.microseconds(mean)))
            let unit = Double.random(in: Double.ulpOfOne..<1, using: &generator)
            return .microseconds(Int64(min(-mean * log(unit), 20 * mean)))
        }
    }

    private static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
