import PartisanCore

/// Timings of a ``MembershipService``, with documented defaults.
///
/// A hung peer is declared down between ``suspectAfter`` and ``suspectAfter`` +
/// ``gossipInterval`` after its last message (checks run every tick): 3–4 s by default, so
/// within 5 s. Partisan's default gossip interval is 10 s (`gossip_interval`), with failure
/// detection left to closed connections; here the tick also carries heartbeats, so it is
/// shorter.
public struct MembershipConfiguration: Sendable {
    /// How often the overlay's ``PeerServiceManager/periodic()`` runs, heartbeats are sent and
    /// silent peers are checked. Default 1 s.
    public var gossipInterval: Duration
    /// How long a connected member may stay silent (no heartbeat, no gossip) before it is
    /// declared down with ``NodeDownReason/heartbeatTimeout``. Default 3 s; keep it a few
    /// gossip intervals long.
    public var suspectAfter: Duration
    /// The wait before the second attempt to reach a member that is not connected; each
    /// failed attempt doubles it. Default 100 ms.
    public var reconnectInitialBackoff: Duration
    /// The longest wait between attempts. Default 5 s.
    public var reconnectMaxBackoff: Duration
    /// How long ``MembershipService/join(_:)`` waits for the contact to list this node.
    /// Default 10 s.
    public var joinTimeout: Duration

    /// Creates a configuration.
    public init(
        gossipInterval: Duration = .seconds(1),
        suspectAfter: Duration = .seconds(3),
        reconnectInitialBackoff: Duration = .milliseconds(100),
        reconnectMaxBackoff: Duration = .seconds(5),
        joinTimeout: Duration = .seconds(10)
    ) {
        self.gossipInterval = gossipInterval
        self.suspectAfter = suspectAfter
        self.reconnectInitialBackoff = reconnectInitialBackoff
        self.reconnectMaxBackoff = reconnectMaxBackoff
        self.joinTimeout = joinTimeout
    }
}
