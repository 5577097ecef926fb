/// Why a node is down: Erlang's `nodedown_reason`.
public enum NodeDownReason: Hashable, Sendable, CustomStringConvertible {
    /// A connection to the node closed or failed (the peer stopped, the network broke, or the
    /// peer disconnected): `connection_closed`.
    case connectionClosed
    /// The connections back from a node that dialled this one could not be set up:
    /// `connection_setup_failed`.
    case connectionSetupFailed
    /// This node disconnected it (``NetKernel/disconnect(_:)``): `disconnect`.
    case disconnect
    /// This node's distribution is shutting down: `net_kernel_terminated`.
    case shutdown
    /// The node was not connected when it was monitored (``NetKernel/monitorNode(_:watcher:)``
    /// answers at once): Erlang's plain `{nodedown, Node}`.
    case notConnected
    /// The node stopped answering: no heartbeat or other membership traffic arrived from it
    /// for ``MembershipConfiguration/suspectAfter`` (the node hung, or the network dropped
    /// packets without closing the connection): Erlang's `net_tick_timeout`.
    case heartbeatTimeout

    public var description: String {
        switch self {
        case .connectionClosed: "connection_closed"
        case .connectionSetupFailed: "connection_setup_failed"
        case .disconnect: "disconnect"
        case .shutdown: "net_kernel_terminated"
        case .notConnected: "not_connected"
        case .heartbeatTimeout: "net_tick_timeout"
        }
    }
}
