/// The parameters of a ``HyParViewMembership``, with Partisan's defaults (`hyparview` map in
/// `partisan.hrl`).
///
/// Periods are durations; the manager counts them in ticks of its driver
/// (``MembershipConfiguration/gossipInterval`` over TCP, the simulator's tick in memory), so
/// a period shorter than a tick runs every tick.
public struct HyParViewConfiguration: Hashable, Sendable {
    /// Capacity of the active view, the peers a node keeps connections to (the paper's fanout
    /// + 1). Partisan `active_max_size`: 6.
    public var activeMaxSize: Int
    /// Below this size a node asks a passive peer every tick, with *high* priority (the asked
    /// node must accept), until it is back up. Partisan `active_min_size`: 3.
    public var activeMinSize: Int
    /// Capacity of the passive view, the peers a node knows but is not connected to. Partisan
    /// `passive_max_size`: 30.
    public var passiveMaxSize: Int
    /// Active random walk length (ARWL): the time to live of a FORWARD_JOIN and of a SHUFFLE.
    /// Partisan `active_rwl`: 6.
    public var activeRandomWalkLength: Int
    /// Passive random walk length (PRWL): a FORWARD_JOIN with this time to live puts the new
    /// node into the passive view of the node it passes. Partisan `passive_rwl`: 6 (the
    /// paper uses 3).
    public var passiveRandomWalkLength: Int
    /// Period of the passive-view shuffle. Partisan `shuffle_interval`: 10 s.
    public var shuffleInterval: Duration
    /// How many active peers a shuffle carries. Partisan `shuffle_k_active`: 3.
    public var shuffleActiveCount: Int
    /// How many passive peers a shuffle carries. Partisan `shuffle_k_passive`: 4.
    public var shufflePassiveCount: Int
    /// Whether a node whose active view is not full promotes passive peers (one NEIGHBOR
    /// request per period). Partisan `random_promotion`: true.
    public var randomPromotion: Bool
    /// Period of random promotion, and of the active-view symmetry check (Partisan 6's
    /// `active_view_maintenance_interval`). Partisan `random_promotion_interval`: 5 s.
    public var randomPromotionInterval: Duration
    /// How many periods a NEIGHBOR request waits for its answer before the peer is taken for
    /// dead and dropped from the passive view. Not in Partisan (it relies on connect errors):
    /// 2.
    public var neighborRequestTimeout: Int
    /// How many hops a message forwarded through the overlay (``HyParViewMembership/forward(_:to:)``)
    /// may take. Partisan's `relay_ttl`: 5.
    public var forwardHopLimit: Int

    /// Creates a configuration; every parameter defaults to Partisan's value.
    public init(
        activeMaxSize: Int = 6,
        activeMinSize: Int = 3,
        passiveMaxSize: Int = 30,
        activeRandomWalkLength: Int = 6,
        passiveRandomWalkLength: Int = 6,
        shuffleInterval: Duration = .seconds(10),
        shuffleActiveCount: Int = 3,
        shufflePassiveCount: Int = 4,
        randomPromotion: Bool = true,
        randomPromotionInterval: Duration = .seconds(5),
        neighborRequestTimeout: Int = 2,
        forwardHopLimit: Int = 5
    ) {
        self.activeMaxSize = max(1, activeMaxSize)
        self.activeMinSize = min(max(1, activeMinSize), self.activeMaxSize)
        self.passiveMaxSize = max(0, passiveMaxSize)
        self.activeRandomWalkLength = max(0, activeRandomWalkLength)
        self.passiveRandomWalkLength = max(0, passiveRandomWalkLength)
        self.shuffleInterval = shuffleInterval
        self.shuffleActiveCount = max(0, shuffleActiveCount)
        self.shufflePassiveCount = max(0, shufflePassiveCount)
        self.randomPromotion = randomPromotion
        self.randomPromotionInterval = randomPromotionInterval
        self.neighborRequestTimeout = max(1, neighborRequestTimeout)
        self.forwardHopLimit = max(1, forwardHopLimit)
    }

    /// How many ticks of `tick` make `period` (at least one).
    static func ticks(_ period: Duration, per tick: Duration) -> Int {
        guard tick > .zero else { return 1 }
        let ratio = period / tick
        return max(1, Int(ratio.rounded(.up)))
    }
}
