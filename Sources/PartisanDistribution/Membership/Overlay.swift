import PartisanCore

/// Which overlay a node runs, chosen by configuration when it starts (Partisan's
/// `peer_service_manager` setting): the same application code runs on any of them.
///
/// | overlay | who connects to whom | ``PeerServiceManager/members()`` | fits |
/// |---|---|---|---|
/// | ``fullMesh`` | every node to every node | every node | up to a few hundred nodes |
/// | ``hyParView(_:seed:)`` | each node to its active view (6) | the active view | hundreds to thousands |
/// | ``clientServer(_:)`` | servers to servers, clients to servers | servers: all; clients: servers | star deployments |
/// | ``static(_:)`` | only to the listed peers | the list | hand-made topologies |
public enum Overlay: Sendable {
    /// Every node connects to every member (``FullMeshMembership``). The default.
    case fullMesh
    /// HyParView partial views (``HyParViewMembership``); `seed` fixes its random choices
    /// (random when `nil`).
    case hyParView(HyParViewConfiguration = .init(), seed: UInt64? = nil)
    /// Servers connect to every server, clients only to servers (``ClientServerMembership``).
    case clientServer(ClientServerRole)
    /// Connections only to the listed peers, which are the membership (``StaticMembership``).
    case `static`([NodeSpec])

    /// A manager of this overlay for the node `localSpec`.
    ///
    /// - Parameters:
    ///   - creation: the node's incarnation (the full mesh tags its entry with it).
    ///   - tickInterval: how often the driver calls ``PeerServiceManager/periodic()``.
    public func makeManager(localSpec: NodeSpec, creation: UInt32, tickInterval: Duration) -> any PeerServiceManager {
        switch self {
        case .fullMesh:
            FullMeshMembership(localSpec: localSpec, creation: creation)
        case .hyParView(let configuration, let seed):
            HyParViewMembership(
                localSpec: localSpec, configuration: configuration, tickInterval: tickInterval,
                rng: seed.map(SplitMix64.init(seed:)) ?? SplitMix64())
        case .clientServer(let role):
            ClientServerMembership(localSpec: localSpec, role: role)
        case .static(let peers):
            StaticMembership(localSpec: localSpec, peers: peers)
        }
    }

    /// The overlay's name as `partisan-bench` and logs spell it: `fullmesh`, `hyparview`,
    /// `client-server`, `static`.
    public var name: String {
        switch self {
        case .fullMesh: "fullmesh"
        case .hyParView: "hyparview"
        case .clientServer: "client-server"
        case .static: "static"
        }
    }
}
