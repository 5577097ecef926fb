/// Timings of a ``PlumtreeService``, with documented defaults (Partisan's
/// `lazy_tick_period` and `exchange_tick_period`).
public struct PlumtreeConfiguration: Sendable {
    /// How often the tree ticks: pending IHAVEs go out, overdue announced messages are
    /// grafted. Default 1 s (Partisan's `lazy_tick_period`).
    public var tickInterval: Duration
    /// Ticks an announced message may stay missing before a GRAFT (and between GRAFTs).
    /// Default 1.
    public var graftTimeoutTicks: Int
    /// Ticks between anti-entropy exchanges with one random neighbour; 0 turns them off.
    /// Default 10, so every 10 s (Partisan's `exchange_tick_period`).
    public var exchangeTicks: Int
    /// Seeds the choice of exchange partners (random when `nil`).
    public var seed: UInt64?

    /// Creates a configuration.
    public init(
        tickInterval: Duration = .seconds(1), graftTimeoutTicks: Int = 1, exchangeTicks: Int = 10, seed: UInt64? = nil
    ) {
        self.tickInterval = tickInterval
        self.graftTimeoutTicks = graftTimeoutTicks
        self.exchangeTicks = exchangeTicks
        self.seed = seed
    }
}
