import NIOSSL

/// Why TLS closed a connection, as ``TransportError/tls(_:)`` reports it.
///
/// Each reason is BoringSSL's name for it (`CERTIFICATE_VERIFY_FAILED`,
/// `TLSV1_ALERT_UNKNOWN_CA`), never bytes from the peer.
public enum TLSFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// This node refused the peer's certificate: it does not lead to a trusted CA, is
    /// expired or not yet valid (`CERTIFICATE_VERIFY_FAILED`), or is missing where one is
    /// required (`PEER_DID_NOT_RETURN_A_CERTIFICATE`).
    case peerCertificateRefused(reason: String)
    /// The peer ended the TLS session with an alert: most often it refused this node's
    /// certificate or its lack of one (`TLSV1_ALERT_UNKNOWN_CA`,
    /// `TLSV13_ALERT_CERTIFICATE_REQUIRED`, `SSLV3_ALERT_CERTIFICATE_EXPIRED`).
    case refusedByPeer(alert: String)
    /// The peer does not speak TLS (`WRONG_VERSION_NUMBER`, often a plain-TCP node), or the
    /// TLS session failed otherwise.
    case protocolError(reason: String)
    /// This node runs plain TCP and the peer speaks TLS: configure
    /// ``TransportConfiguration/tls`` on both or neither.
    case peerUsesTLS

    public var description: String {
        switch self {
        case .peerCertificateRefused(let reason): "the peer's certificate was refused (\(reason))"
        case .refusedByPeer(let alert): "the peer refused this node's certificate or its lack of one (\(alert))"
        case .protocolError(let reason): "TLS failed (\(reason)); does the peer use TLS?"
        case .peerUsesTLS: "the peer speaks TLS and this node does not"
        }
    }

    /// Classifies an error of swift-nio-ssl; `nil` for an error that is not TLS's, and for
    /// an unclean shutdown (the peer closed TCP without a TLS close: the connection's close
    /// tells it).
    init?(_ error: any Error) {
        switch error {
        case NIOSSLError.uncleanShutdown: return nil
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError: break
        default: return nil
        }
        let reason = Self.reason(of: error)
        let names = reason.split(separator: ", ")
        if names.contains(where: { $0.contains("ALERT") }) {
            self = .refusedByPeer(alert: reason)
        } else if names.contains(where: {
            $0 == "CERTIFICATE_VERIFY_FAILED" || $0 == "PEER_DID_NOT_RETURN_A_CERTIFICATE"
        }) {
            self = .peerCertificateRefused(reason: reason)
        } else {
            self = .protocolError(reason: reason)
        }
    }

    /// BoringSSL's reason names in `error`, comma-separated (`BAD_SIGNATURE,
    /// CERTIFICATE_VERIFY_FAILED`), or its description when it carries none.
    static func reason(of error: any Error) -> String {
        let stack: NIOBoringSSLErrorStack
        switch error {
        case BoringSSLError.sslError(let errors), BoringSSLError.unknownError(let errors),
            NIOSSLError.handshakeFailed(.sslError(let errors)), NIOSSLError.handshakeFailed(.unknownError(let errors)),
            NIOSSLError.shutdownFailed(.sslError(let errors)):
            stack = errors
        default:
            return "\(error)"
        }
        var reasons: [String] = []
        for internalError in stack {
            // "Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:NAME at FILE:LINE"
            let text = "\(internalError)"
            guard let start = text.firstRange(of: "error:") else {
                reasons.append(String(text.trimmingPrefix("Error: ").trimmingPrefix(" ")))
                continue
            }
            let fields = text[start.upperBound...].split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            let rest = fields.count == 4 ? fields[3] : ""
            let name = String(rest.firstRange(of: " at ").map { rest[..<$0.lowerBound] } ?? rest)
            if !name.isEmpty, !reasons.contains(name) { reasons.append(name) }
        }
        return reasons.isEmpty ? "\(error)" : reasons.joined(separator: ", ")
    }
}
