#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Nanoseconds on the system's monotonic clock: the time base of receive timeouts and timers.
enum MonotonicClock {
    /// The current monotonic time in nanoseconds.
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// The deadline `duration` from now; negative durations are now, and overflow saturates.
    static func deadline(after duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 { return now() }
        let nanos = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if nanos.overflow { return .max }
        let total = nanos.partialValue.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        if total.overflow { return .max }
        let deadline = now().addingReportingOverflow(total.partialValue)
        return deadline.overflow ? .max : deadline.partialValue
    }
}
