/// Durations as configuration writes them: a number and a unit, `250ms`, `1s`, `1.5s`, `2m`,
/// `1h`. A bare number is refused: its unit would be a guess.
enum DurationText {
    /// The longest duration accepted: 30 days.
    static let maximumSeconds: Double = 30 * 24 * 3600

    /// The duration `text` writes, or `nil` when it is not a number with a unit, is negative or
    /// longer than ``maximumSeconds``.
    static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        guard text.utf8.count <= 32 else { return nil }
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let value = Double(number)
            else { continue }
            let seconds = value * unit.seconds
            guard seconds.isFinite, seconds >= 0, seconds <= maximumSeconds else { return nil }
            return .nanoseconds(Int64((seconds * 1e9).rounded()))
        }
        return nil
    }

    /// The shortest text that writes `duration` (`250ms`, `1s`, `90s`).
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds)s" }
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        if milliseconds == milliseconds.rounded() { return "\(Int64(milliseconds))ms" }
        return "\(Double(seconds) + Double(attoseconds) / 1e18)s"
    }
}
