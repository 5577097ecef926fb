import Partisan
import ServiceLifecycle

/// A running ``PartisanNode`` as a swift-service-lifecycle `Service`, so that a `ServiceGroup`
/// runs it beside the application's other services and stops it on `SIGTERM`.
///
/// ```swift
/// let node = try await PartisanNode.start(configuration)
/// let group = ServiceGroup(
///     services: [PartisanNodeService(node: node)], gracefulShutdownSignals: [.sigterm, .sigint],
///     logger: logger)
/// try await group.run()  // returns once the node has stopped
/// ```
///
/// - ``run()`` returns when the node stops, whoever stops it (``PartisanNode/shutdown()``,
///   ``PartisanNode/kill()``, or the group).
/// - The group's graceful shutdown (a signal in its `gracefulShutdownSignals`, or
///   `triggerGracefulShutdown()`) starts the node's graceful ``PartisanNode/shutdown()``: it
///   leaves the overlay, stops accepting work, shuts its supervision trees down in OTP's
///   order, drains its send queues, closes its connections.
/// - Cancelling ``run()`` (the group cancels its services when one of them fails, or after its
///   `maximumGracefulShutdownDuration`) kills the node (``PartisanNode/kill()``).
///
/// By default a `ServiceGroup` reports a service that returns before the group shuts down as
/// finished unexpectedly and cancels the others. To have a node stopped from elsewhere (its
/// own ``PartisanNode/shutdown()``) shut the application down gracefully instead, give the
/// service `successTerminationBehavior: .gracefullyShutdownGroup` in its
/// `ServiceGroupConfiguration.ServiceConfiguration`.
public struct PartisanNodeService: Service, CustomStringConvertible {
    /// The node the service runs.
    public let node: PartisanNode

    /// A service for `node`, which is already started.
    public init(node: PartisanNode) {
        self.node = node
    }

    /// Returns once the node has stopped; see the type's documentation.
    public func run() async throws {
        let node = self.node
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await node.waitUntilStopped()
            } onCancel: {
                Task { await node.kill() }
            }
        } onGracefulShutdown: {
            node.beginShutdown()
        }
    }

    public var description: String { "PartisanNodeService(\(node.name))" }
}
