import Logging
import Partisan
import Synchronization

/// Forms a cluster from what discovery strategies see: libcluster's topology supervisor.
///
/// Started on a node with a list of ``DiscoveryStrategy`` values, the runner asks every
/// strategy each ``Configuration/pollInterval`` and joins (``PartisanNode/join(_:)``) each
/// contact that is not yet a member and is not the node itself. Its rules:
/// - A contact whose join fails is retried with exponential backoff and jitter
///   (``Configuration/initialBackoff`` doubling up to ``Configuration/maxBackoff``) for as long
///   as a strategy lists it: a seed that is down at start is joined once it comes up.
/// - Discovery never removes a member: a strategy that returns nothing, fails, or stops listing
///   a node leaves the membership as it is; only failure detection removes members.
/// - Every join it causes is logged once at `info`; a contact's first failure is logged at
///   `warning` and the retries at `debug`; a strategy's failure is logged when it starts
///   failing and when it recovers, not on every round.
/// - Work per round is bounded: at most ``Configuration/maxContactsPerRound`` contacts and
///   ``Configuration/maxConcurrentJoins`` joins at once; contacts whose host is not a host
///   name or IP address are dropped.
///
/// ```swift
/// let discovery = try ClusterDiscovery.start(on: node, strategies: [
///     StaticDiscovery(seeds: ["10.0.0.5:9100", "10.0.0.6:9100"]),
/// ])
/// try await discovery.awaitJoined(minimum: 3, timeout: .seconds(30))
/// ```
public final class ClusterDiscovery: Sendable {
    /// The node the runner joins contacts from.
    public let node: PartisanNode
    /// The strategies it asks, in order.
    public let strategies: [any DiscoveryStrategy]
    /// Its settings.
    public let configuration: Configuration
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    private init(node: PartisanNode, strategies: [any DiscoveryStrategy], configuration: Configuration) {
        self.node = node
        self.strategies = strategies
        self.configuration = configuration
    }

    /// Starts asking `strategies` for `node`'s cluster at once, then every
    /// ``Configuration/pollInterval``, until ``stop()``.
    ///
    /// - Throws: ``ClusterDiscoveryError/notDistributed`` for a node without networking, or
    ///   ``ClusterDiscoveryError/invalidSetting(option:reason:)`` for a bad configuration.
    public static func start(
        on node: PartisanNode, strategies: [any DiscoveryStrategy], configuration: Configuration = Configuration()
    ) throws(ClusterDiscoveryError) -> ClusterDiscovery {
        guard node.listenAddress != nil else { throw .notDistributed }
        try configuration.validate()
        let discovery = ClusterDiscovery(node: node, strategies: strategies, configuration: configuration)
        let logger = configuration.logger ?? node.runtime.logger
        let task = Task {
            var loop = DiscoveryLoop(node: node, strategies: strategies, configuration: configuration, logger: logger)
            await loop.run()
        }
        discovery.task.withLock { $0 = task }
        return discovery
    }

    /// Stops the runner: its round in progress is cancelled (joins in flight included). Members
    /// stay members.
    public func stop() {
        task.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    /// Whether ``stop()`` was called.
    public var isStopped: Bool { task.withLock { $0 == nil } }

    /// Waits until the node sees at least `minimum` members (itself included): start-up code
    /// that needs the cluster waits here.
    ///
    /// - Throws: ``ClusterDiscoveryError/joinTimedOut(minimum:members:after:)`` after
    ///   `timeout`, ``ClusterDiscoveryError/stopped`` when the runner is stopped meanwhile, or
    ///   `CancellationError` when the waiting task is cancelled.
    public func awaitJoined(minimum: Int, timeout: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var pause = Duration.milliseconds(2)
        while true {
            let count = node.members().count
            if count >= minimum { return }
            if isStopped { throw ClusterDiscoveryError.stopped }
            guard clock.now < deadline else {
                throw ClusterDiscoveryError.joinTimedOut(minimum: minimum, members: count, after: timeout)
            }
            try await Task.sleep(until: min(clock.now.advanced(by: pause), deadline))
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    deinit { task.withLock { $0?.cancel() } }
}
