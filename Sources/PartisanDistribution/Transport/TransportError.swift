import PartisanCore

/// Why the transport could not send a message or keep a connection.
public enum TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A frame of `size` bytes exceeds the configured maximum `limit`. Thrown to a sender (the
    /// message is not sent), or the reason an inbound connection was closed when a peer
    /// declared such a frame (it is never allocated).
    case frameTooLarge(size: Int, limit: Int)
    /// The connection's send queue is at its limit; the message was not queued. See
    /// ``SendQueueLimits`` for the policy.
    case queueFull(messages: Int, bytes: Int)
    /// The connection is closed (or was never established); nothing was sent.
    case connectionClosed
    /// No connection for the named channel.
    case unknownChannel(String)
    /// The term has no ETF encoding.
    case encoding(ETFError)
    /// An inbound frame did not hold a valid ETF term; the connection was closed.
    case malformedFrame(ETFError)
    /// The handshake failed; the connection was closed.
    case handshake(HandshakeError)
    /// A socket error closed the connection.
    case io(String)
    /// The host name of the address being dialled resolves to no address (DNS has no A or
    /// AAAA record for it, or cannot be asked); nothing was sent.
    case unresolvedHost(String)
    /// TLS refused the connection or closed it (see ``TransportConfiguration/tls``).
    case tls(TLSFailure)
    /// The endpoint is shut down.
    case shutDown
    /// The node would listen on `host`, which is not a loopback address, with an empty or
    /// well-known cookie (``Cookie/isWeak``): anyone who can reach the port could prove it.
    /// Thrown by ``TransportEndpoint/start(node:creation:host:port:channels:configuration:delegate:group:)``
    /// before anything is bound.
    case weakCookie(host: String)

    public var description: String {
        switch self {
        case .frameTooLarge(let size, let limit): "frame of \(size) bytes exceeds the maximum of \(limit)"
        case .queueFull(let messages, let bytes): "send queue full (\(messages) messages, \(bytes) bytes)"
        case .connectionClosed: "connection closed"
        case .unknownChannel(let name): "no connection on channel \(name)"
        case .encoding(let error): "cannot encode term: \(error)"
        case .malformedFrame(let error): "malformed frame: \(error)"
        case .handshake(let error): "handshake failed: \(error)"
        case .io(let what): "socket error: \(what)"
        case .unresolvedHost(let host): "cannot resolve host \(host): it has no address"
        case .tls(let failure): "TLS: \(failure)"
        case .shutDown: "transport endpoint shut down"
        case .weakCookie(let host):
            "refusing to listen on \(host), which is not a loopback address, with an empty or well-known cookie: "
                + "choose a secret cookie"
        }
    }
}
