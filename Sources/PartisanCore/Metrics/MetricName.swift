/// The names of the metrics a node emits through swift-metrics, in one place (the application
/// picks the backend with `MetricsSystem.bootstrap`, before it starts nodes). Every metric
/// carries the dimension `node`, the node's name; Guides/Cluster.md lists them with their
/// types and labels.
package enum MetricName {
    /// Timer: how long `GenServer` calls take, caller side, by `destination` (`local`,
    /// `remote`), failed calls included.
    package static let callDuration = "partisan_call_duration_seconds"
    /// Gauge: live processes.
    package static let processes = "partisan_processes"
    /// Gauge: the longest mailbox seen since the previous sample (messages).
    package static let mailboxHighWater = "partisan_mailbox_length_high_water"
    /// Gauge: remote calls (RPC/ERPC) running on the node.
    package static let rpcCallsInFlight = "partisan_rpc_calls_in_flight"
    /// Gauge: cluster members by `state`: `member` (in the member list, this node included),
    /// `known` (known to the overlay but not a member, such as HyParView's passive view).
    package static let members = "partisan_members"
    /// Gauge: open connections by `channel`.
    package static let connections = "partisan_connections"
    /// Counter: frames received, by `channel`.
    package static let framesReceived = "partisan_frames_received_total"
    /// Counter: frame bytes received (length prefixes included), by `channel`.
    package static let bytesReceived = "partisan_bytes_received_total"
    /// Counter: frames queued for sending, by `channel`.
    package static let framesSent = "partisan_frames_sent_total"
    /// Counter: frame bytes queued for sending (length prefixes included), by `channel`.
    package static let bytesSent = "partisan_bytes_sent_total"
    /// Gauge: messages queued in send queues and not yet handed to the socket, by `channel`.
    package static let sendQueueMessages = "partisan_send_queue_messages"
    /// Gauge: bytes queued in send queues, by `channel`.
    package static let sendQueueBytes = "partisan_send_queue_bytes"
    /// Counter: messages a send queue did not take, by `channel` and `reason`: `full` (the
    /// queue was at its limit, the sender got an error) or `replaced` (a newer message with the
    /// same key replaced it on a monotonic channel).
    package static let sendQueueDrops = "partisan_send_queue_drops_total"
    /// Counter: handshakes that failed, by `reason` (the handshake's refusal atom, such as
    /// `bad_cookie`, `timeout`, `busy`) and `direction` (`inbound`, `outbound`).
    package static let handshakeFailures = "partisan_handshake_failures_total"
    /// Counter: children restarted by supervisors.
    package static let supervisorRestarts = "partisan_supervisor_restarts_total"
}
