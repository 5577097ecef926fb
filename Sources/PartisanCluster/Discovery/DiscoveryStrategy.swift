import Partisan

/// A way to find the nodes of a cluster: libcluster's `Cluster.Strategy`.
///
/// A strategy answers one question, "which nodes do you see now?", and nothing else: the
/// runner (``ClusterDiscovery``) calls ``discover()`` periodically, joins the contacts that are
/// not yet members, retries failed ones with backoff, and never removes a member because a
/// strategy stopped listing it (only failure detection removes members).
///
/// The contract:
/// - ``discover()`` is called from one task at a time, never concurrently with itself.
/// - It returns every contact it currently sees, possibly none; an empty answer is not an
///   error and removes nothing. It throws when it cannot tell (a DNS server unreachable, a
///   file unreadable); the runner logs the failure once and tries again next round.
/// - It must not block a thread (use `async` I/O) and should end soon after its task is
///   cancelled: the runner cancels a round that takes longer than
///   ``ClusterDiscovery/Configuration/discoveryTimeout``.
/// - Everything it returns may come from an untrusted source: the runner caps how many
///   contacts it takes per round (``ClusterDiscovery/Configuration/maxContactsPerRound``).
///
/// A strategy of your own, for example one asking a cloud API for the instances of a group:
///
/// ```swift
/// struct CloudGroupDiscovery: DiscoveryStrategy {
///     let group: String
///     let port: Int
///     var name: String { "cloud-group" }
///
///     func discover() async throws -> [DiscoveredContact] {
///         let addresses = try await CloudAPI.privateAddresses(ofGroup: group)  // your client
///         return addresses.map { DiscoveredContact(address: ListenAddress(host: $0, port: port)) }
///     }
/// }
///
/// let discovery = ClusterDiscovery.start(on: node, strategies: [CloudGroupDiscovery(group: "app", port: 9100)])
/// ```
public protocol DiscoveryStrategy: Sendable {
    /// A short name for the logs, such as `"dns-srv"`.
    var name: String { get }

    /// The contacts this strategy sees now; throws when it cannot tell.
    func discover() async throws -> [DiscoveredContact]
}
