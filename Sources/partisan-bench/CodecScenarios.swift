import Partisan

/// The term codec scenario: ETF encode + decode of a ~1 KiB struct through `TermEncoder`
/// and `TermDecoder`.
enum CodecScenarios {
    static let all: [Scenario] = [Scenario(name: "term-codec", run: termCodec)]

    static func termCodec(_ settings: BenchSettings) async throws -> BenchResult {
        let encoder = TermEncoder()
        let decoder = TermDecoder()
        let size = try encoder.encodeETF(CodecSample.sample).count
        let rates = try await repeatRate(settings, name: "term-codec", warmupCount: 2_000, minimumCount: 100) { count in
            let clock = ContinuousClock()
            let start = clock.now
            var check = 0
            for _ in 0..<count {
                let bytes = try encoder.encodeETF(CodecSample.sample)
                check &+= try decoder.decode(CodecSample.self, fromETF: bytes).items.count
            }
            precondition(check == count * CodecSample.sample.items.count, "the codec lost data")
            return (clock.now - start).inSeconds
        }
        let roundTrips = Stats(rates).median
        return BenchResult(
            scenario: "term-codec", value: roundTrips * Double(size) / 1e6, unit: "MB/s",
            details: [
                ("round_trips_per_s", .number(roundTrips)), ("bytes", .number(Double(size))),
                ("runs_round_trips_per_s", .numbers(rates)),
            ])
    }
}
