import PartisanCore

/// Which overlay a node runs, chosen by configuration when it starts (Partisan's
/// `peer_service_manager` setting): the same application code runs on any of them.
///
/// An overlay is a name and a way to make a ``PeerServiceManager`` for a node. The four
/// built in:
///
/// | overlay | who connects to whom | ``PeerServiceManager/members()`` | fits |
/// |---|---|---|---|
/// | ``fullMesh`` | every node to every node | every node | up to a few hundred nodes |
/// | ``hyParView(_:seed:)`` | each node to its active view (6) | the active view | hundreds to thousands |
/// | ``clientServer(_:)`` | servers to servers, clients to servers | servers: all; clients: servers | star deployments |
/// | ``static(_:)`` | only to the listed peers | the list | hand-made topologies |
///
/// Any other is ``init(name:makeManager:)`` with a manager of your own:
///
/// ```swift
/// let ring = Overlay(name: "ring") { context in RingOverlay(localSpec: context.localSpec) }
/// ```
public struct Overlay: Sendable {
    /// What a manager is made for: the node it runs on and how often it ticks.
    public struct Context: Sendable {
        /// The node's spec, as its manager announces it.
        public var localSpec: NodeSpec
        /// The node's incarnation (the full mesh tags its entry with it).
        public var creation: UInt32
        /// How often the driver calls ``PeerServiceManager/periodic()``.
        public var tickInterval: Duration
        /// A seed for the manager's random choices, from a driver that replays runs (the
        /// simulator); `nil` over TCP. A manager that draws random numbers seeds them from it
        /// when given, so that the same simulation seed gives the same run.
        public var seed: UInt64?

        /// Creates a context.
        public init(localSpec: NodeSpec, creation: UInt32, tickInterval: Duration, seed: UInt64? = nil) {
            self.localSpec = localSpec
            self.creation = creation
            self.tickInterval = tickInterval
            self.seed = seed
        }
    }

    /// The overlay's name as logs, `partisan-bench` and ``MembershipService/overlayName`` spell
    /// it: `fullmesh`, `hyparview`, `client-server`, `static`, or a custom overlay's own.
    public let name: String
    private let make: @Sendable (Context) -> any PeerServiceManager

    /// An overlay named `name` whose nodes each run the manager `makeManager` returns (called
    /// once per node, when the node starts its membership).
    public init(name: String, makeManager: @escaping @Sendable (Context) -> any PeerServiceManager) {
        self.name = name
        self.make = makeManager
    }

    /// A manager of this overlay for the node of `context`.
    public func makeManager(_ context: Context) -> any PeerServiceManager {
        make(context)
    }

    /// Every node connects to every member (``FullMeshMembership``). The default.
    public static let fullMesh = Overlay(name: "fullmesh") { context in
        FullMeshMembership(localSpec: context.localSpec, creation: context.creation)
    }

    /// HyParView partial views (``HyParViewMembership``); `seed` fixes its random choices
    /// (the context's seed when `nil`, else random).
    public static func hyParView(_ configuration: HyParViewConfiguration = .init(), seed: UInt64? = nil) -> Overlay {
        Overlay(name: "hyparview") { context in
            HyParViewMembership(
                localSpec: context.localSpec, configuration: configuration, tickInterval: context.tickInterval,
                rng: (seed ?? context.seed).map(SplitMix64.init(seed:)) ?? SplitMix64())
        }
    }

    /// Servers connect to every server, clients only to servers (``ClientServerMembership``).
    public static func clientServer(_ role: ClientServerRole) -> Overlay {
        Overlay(name: "client-server") { context in ClientServerMembership(localSpec: context.localSpec, role: role) }
    }

    /// Connections only to the listed peers, which are the membership (``StaticMembership``).
    public static func `static`(_ peers: [NodeSpec]) -> Overlay {
        Overlay(name: "static") { context in StaticMembership(localSpec: context.localSpec, peers: peers) }
    }
}
