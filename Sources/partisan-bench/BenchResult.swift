/// The one JSON object a scenario prints: `scenario`, `value`, `unit`, and detail keys.
struct BenchResult: Sendable {
    let scenario: String
    let value: Double
    let unit: String
    var details: [(String, Detail)] = []

    /// A detail value: a number, a list of numbers, or a string.
    enum Detail: Sendable {
        case number(Double)
        case numbers([Double])
        case text(String)
    }

    func json() -> String {
        var fields = [("scenario", Detail.text(scenario)), ("value", .number(value)), ("unit", .text(unit))]
        fields += details
        return "{" + fields.map { "\"\($0.0)\":\(render($0.1))" }.joined(separator: ",") + "}"
    }

    private func render(_ detail: Detail) -> String {
        switch detail {
        case .number(let n): number(n)
        case .numbers(let list): "[" + list.map(number).joined(separator: ",") + "]"
        case .text(let s): "\"" + escaped(s) + "\""
        }
    }

    private func escaped(_ s: String) -> String {
        var out = ""
        for character in s {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    private func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return String((n * 1000).rounded() / 1000)
    }
}

/// Order statistics of a sample.
struct Stats {
    let sorted: [Double]

    init(_ values: [Double]) { sorted = values.sorted() }

    /// The `p`-th percentile (0...100), nearest rank.
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    var median: Double { percentile(50) }
}

/// Runs `measure` once as a warm-up with a small workload to calibrate, then `runs` times with
/// a workload sized to last about `seconds`; returns the per-run figures (units per second).
func repeatRate(
    _ settings: BenchSettings, name: String, warmupCount: Int, minimumCount: Int = 1_000,
    _ measure: @Sendable (Int) async throws -> Double
) async throws -> [Double] {
    let warmSeconds = try await measure(warmupCount)
    let rate = Double(warmupCount) / max(warmSeconds, 1e-9)
    let count = max(minimumCount, Int(rate * settings.seconds))
    progress("\(name): warm-up \(Int(rate))/s, \(settings.runs) runs of \(count)")
    var rates: [Double] = []
    for run in 1...settings.runs {
        let elapsed = try await measure(count)
        rates.append(Double(count) / elapsed)
        progress("\(name): run \(run): \(Int(rates.last!))/s")
    }
    return rates
}

/// Runs `measure` once as a discarded warm-up and then `settings.runs` times. Each run returns
/// latency samples in microseconds and a rate; the result's value is the median of the runs'
/// p50s, with the medians of their p99s and rates beside it.
func repeatLatency(
    _ settings: BenchSettings, scenario: String, rateKey: String,
    _ measure: @Sendable () async throws -> (samples: [Double], rate: Double)
) async throws -> BenchResult {
    var p50s: [Double] = []
    var p99s: [Double] = []
    var rates: [Double] = []
    for run in 0...settings.runs {
        let (samples, rate) = try await measure()
        let stats = Stats(samples)
        progress(
            "\(scenario): run \(run): p50 \(stats.median) µs, p99 \(stats.percentile(99)) µs, \(Int(rate)) \(rateKey)")
        if run == 0 { continue }  // warm-up
        p50s.append(stats.median)
        p99s.append(stats.percentile(99))
        rates.append(rate)
    }
    return BenchResult(
        scenario: scenario, value: Stats(p50s).median, unit: "us",
        details: [
            ("p50_us", .number(Stats(p50s).median)), ("p99_us", .number(Stats(p99s).median)),
            (rateKey, .number(Stats(rates).median)), ("runs", .numbers(p50s)),
        ])
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
