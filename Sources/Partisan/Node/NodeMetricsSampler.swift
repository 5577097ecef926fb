import Metrics
import PartisanCore
import PartisanDistribution

/// Samples a node's gauges (see ``MetricName``) every interval until cancelled: processes,
/// the mailbox high-water mark, RPC calls in flight, members by state, and per channel the
/// open connections and what waits in their send queues.
final class NodeMetricsSampler: Sendable {
    private let task: Task<Void, Never>

    /// Starts sampling `node`'s runtime, `rpc` service, `membership` and `kernel` every
    /// `interval`; the first sample is taken at once.
    init(
        runtime: ProcessRuntime, rpc: RPCService, membership: MembershipService?, kernel: NetKernel?,
        interval: Duration
    ) {
        let gauges = Gauges(
            node: runtime.node, channels: kernel?.spec.channels.map(\.name) ?? [], factory: runtime.metricsFactory)
        task = Task {
            while !Task.isCancelled {
                gauges.processes.record(runtime.processCount)
                gauges.mailboxHighWater.record(runtime.takeMailboxHighWater())
                gauges.rpcCallsInFlight.record(rpc.runningCalls)
                if let membership {
                    let members = membership.members().count
                    gauges.members.record(members)
                    gauges.knownPeers.record(max(0, membership.knownPeers().count - members))
                }
                for (name, load) in kernel?.channelLoads() ?? [:] {
                    guard let channel = gauges.channels[name] else { continue }
                    channel.connections.record(load.connections)
                    channel.queuedMessages.record(load.queuedMessages)
                    channel.queuedBytes.record(load.queuedBytes)
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Stops sampling.
    func cancel() { task.cancel() }

    /// The gauges, made once.
    private struct Gauges: Sendable {
        struct Channel: Sendable {
            let connections: Gauge
            let queuedMessages: Gauge
            let queuedBytes: Gauge
        }

        let processes: Gauge
        let mailboxHighWater: Gauge
        let rpcCallsInFlight: Gauge
        let members: Gauge
        let knownPeers: Gauge
        let channels: [String: Channel]

        init(node: Node, channels: [String], factory: any MetricsFactory) {
            let dimensions = [("node", node.name)]
            func gauge(_ label: String, _ extra: [(String, String)] = []) -> Gauge {
                Gauge(label: label, dimensions: dimensions + extra, factory: factory)
            }
            processes = gauge(MetricName.processes)
            mailboxHighWater = gauge(MetricName.mailboxHighWater)
            rpcCallsInFlight = gauge(MetricName.rpcCallsInFlight)
            members = gauge(MetricName.members, [("state", "member")])
            knownPeers = gauge(MetricName.members, [("state", "known")])
            var byName: [String: Channel] = [:]
            for name in channels {
                byName[name] = Channel(
                    connections: gauge(MetricName.connections, [("channel", name)]),
                    queuedMessages: gauge(MetricName.sendQueueMessages, [("channel", name)]),
                    queuedBytes: gauge(MetricName.sendQueueBytes, [("channel", name)]))
            }
            self.channels = byName
        }
    }
}
