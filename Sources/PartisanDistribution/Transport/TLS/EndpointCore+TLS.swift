import Crypto
import NIOCore
import NIOSSL

extension EndpointCore {
    /// The handlers that go first in a new channel's pipeline: when the node runs TLS, the TLS
    /// handler of `direction` (server for an acceptor, client for a dialler) and the
    /// ``TLSFailureHandler``; for plain TCP, the ``TLSRecordDetector``.
    ///
    /// No host name is given to the client handler: TLS checks the chain only, and the
    /// handshake checks the node name (see ``TLSChannelInfo``).
    func tlsHandlers(for direction: ConnectionInfo.Direction) throws -> [any ChannelHandler] {
        guard let tls = configuration.tls else {
            return [
                TLSRecordDetector(
                    maxFrameSize: configuration.maxFrameSize, logger: configuration.logger, direction: direction)
            ]
        }
        let handler: any ChannelHandler =
            switch direction {
            case .inbound: NIOSSLServerHandler(context: tls.serverContext)
            case .outbound: try NIOSSLClientHandler(context: tls.clientContext, serverHostname: nil)
            }
        return [
            handler,
            TLSFailureHandler(
                logger: configuration.logger, direction: direction, handshakeTimeout: configuration.handshakeTimeout),
        ]
    }

    /// What TLS tells the handshake about `channel`, one of this endpoint's connections; `nil`
    /// when the node runs plain TCP.
    ///
    /// Call it on the channel's event loop, once the peer's first handshake message has
    /// arrived (TLS's own handshake is then complete): it reads the verified peer certificate
    /// from the channel's TLS handler. A channel of a TLS node without a TLS handler (which
    /// ``configure(_:role:promise:)`` never makes) gets an info that names no node and an
    /// empty binding, so the handshake fails closed.
    func tlsInfo(of channel: any Channel) -> TLSChannelInfo? {
        guard let tls = configuration.tls else { return nil }
        channel.eventLoop.preconditionInEventLoop()
        guard let handler = try? channel.pipeline.syncOperations.handler(type: NIOSSLHandler.self) else {
            return TLSChannelInfo(binding: [], peerNames: nil, peerCertificateRequired: true)
        }
        let peer = handler.peerCertificate
        let peerDigest = peer.flatMap { try? $0.toDERBytes() }.map { Array(SHA256.hash(data: $0)) }
        if handler is NIOSSLServerHandler {
            return TLSChannelInfo(
                binding: tls.server.identity.leafDigest + (peerDigest ?? []),
                peerNames: peer.map(CertificateNames.init),
                peerCertificateRequired: tls.server.clientCertificates == .required)
        }
        return TLSChannelInfo(
            binding: peerDigest.map { $0 + (tls.client.identity?.leafDigest ?? []) } ?? [],
            peerNames: peer.map(CertificateNames.init), peerCertificateRequired: true)
    }
}
