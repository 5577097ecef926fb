/// What a DNS look-up throws. The cases carry no byte of the answer, so they are safe to log.
public enum DNSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The name to look up is not a valid DNS name (`reason` says why).
    case invalidName(reason: String)
    /// The answer broke the format (`reason` says where); it is dropped.
    case malformedResponse(reason: String)
    /// The server answered with this response code (2 SERVFAIL, 5 REFUSED, ...). NXDOMAIN is
    /// not an error: the name simply has no records.
    case serverFailure(responseCode: Int)
    /// No valid answer came from `server` within the timeout, after every attempt.
    case timedOut(server: String)
    /// The answer over TCP (after a truncated UDP one) failed: `reason`.
    case tcpFailed(server: String, reason: String)
    /// No nameserver is configured (no `nameserver` line in the resolv.conf at `path`).
    case noNameserver(path: String)
    /// The nameserver setting is not an IP address and port.
    case invalidNameserver(String)

    public var description: String {
        switch self {
        case .invalidName(let reason): return "invalid DNS name: \(reason)"
        case .malformedResponse(let reason): return "malformed DNS response: \(reason)"
        case .serverFailure(let code): return "DNS server answered with response code \(code)"
        case .timedOut(let server): return "no DNS answer from \(server)"
        case .tcpFailed(let server, let reason): return "DNS over TCP to \(server) failed: \(reason)"
        case .noNameserver(let path): return "no nameserver line in \(path)"
        case .invalidNameserver(let value): return "nameserver '\(value.prefix(100))' is not an IP address"
        }
    }
}
