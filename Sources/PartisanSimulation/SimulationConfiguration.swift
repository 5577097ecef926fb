import PartisanDistribution

/// The conditions of an ``OverlaySimulator`` run.
public struct SimulationConfiguration: Hashable, Sendable {
    /// The seed of every random choice: the simulator's and each node's manager's.
    public var seed: UInt64
    /// How often each node's ``PeerServiceManager/periodic()`` runs (each node at its own
    /// random phase). Default 1 s, as ``MembershipConfiguration/gossipInterval``.
    public var tickInterval: Duration
    /// One-way latency of a message or a connection set-up, drawn uniformly from this range
    /// for each. Default 1–10 ms.
    public var latency: ClosedRange<Duration>
    /// The share of overlay messages lost in flight (0 to 1). Default 0.
    public var lossRate: Double
    /// How long after a node dies its peers see its connections close. Default 10 ms (a
    /// killed process's sockets reset at once; a hung one is found by heartbeats, seconds).
    public var failureDetectionDelay: Duration
    /// The wait before a node tries again to connect to a dead peer it still wants. Default
    /// 1 s.
    public var reconnectDelay: Duration
    /// How many messages wait for a peer that is wanted but not connected yet, as
    /// ``MembershipService/heldMessageLimit``.
    public var heldMessageLimit: Int

    /// Creates a configuration.
    public init(
        seed: UInt64 = 1,
        tickInterval: Duration = .seconds(1),
        latency: ClosedRange<Duration> = .milliseconds(1) ... .milliseconds(10),
        lossRate: Double = 0,
        failureDetectionDelay: Duration = .milliseconds(10),
        reconnectDelay: Duration = .seconds(1),
        heldMessageLimit: Int = MembershipService.heldMessageLimit
    ) {
        self.seed = seed
        self.tickInterval = tickInterval
        self.latency = latency
        self.lossRate = lossRate
        self.failureDetectionDelay = failureDetectionDelay
        self.reconnectDelay = reconnectDelay
        self.heldMessageLimit = heldMessageLimit
    }
}
