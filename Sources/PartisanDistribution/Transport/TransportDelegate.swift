import NIOCore
import PartisanCore

/// What the layer above a ``TransportEndpoint`` decides and learns: admission of peers,
/// connections coming and going, and the terms they carry.
///
/// Contract: every method is called on the event loop of the connection concerned, so calls
/// about one connection are serial and in wire order, while calls about different connections
/// may run concurrently. Methods must not block (no locks held across waits, no synchronous
/// I/O); hand work to a process or task instead. All methods have default implementations
/// (admit everyone, ignore the rest). The endpoint holds its delegate strongly until
/// ``TransportEndpoint/shutdown()``.
package protocol TransportDelegate: AnyObject, Sendable {
    /// Decides whether a peer may connect: return `.refuse(.duplicateName)` when another
    /// incarnation of its name is connected, `.refuse("reason")` for a node being removed and
    /// the like. Called on both sides of each connection once the peer has proved the cookie
    /// (so `connection` describes an authenticated peer), before this side completes the
    /// handshake; the peer is sent the refusal's ``AdmissionRefusal/wireReason``. The handshake
    /// may still fail afterwards (the peer may refuse, or the connection close): decide here,
    /// record in ``connectionEstablished(_:)``.
    func admit(_ connection: ConnectionInfo) -> Admission
    /// A handshake succeeded; `connection` can send from now on.
    func connectionEstablished(_ connection: Connection)
    /// A term arrived on `connection`.
    func received(_ term: Term, on connection: Connection)
    /// A frame arrived on `connection`: `payload` holds its term (ETF, version byte first). The
    /// default decodes the term and calls ``received(_:on:)``; a delegate that reads some
    /// frames straight from their bytes implements this instead.
    ///
    /// - Throws: the decoding error of a malformed frame; the connection is then closed.
    func received(frame payload: ByteBuffer, on connection: Connection) throws(ETFError)
    /// An established connection closed; `error` says why when it was not a clean close.
    func connectionClosed(_ connection: Connection, error: TransportError?)
    /// A handshake failed and its connection was closed (the failure is also logged).
    func handshakeFailed(_ error: HandshakeError, direction: ConnectionInfo.Direction, remoteAddress: SocketAddress?)
}

extension TransportDelegate {
    /// Admits every peer.
    package func admit(_ connection: ConnectionInfo) -> Admission { .accept }
    /// Does nothing.
    package func connectionEstablished(_ connection: Connection) {}
    /// Drops the term.
    package func received(_ term: Term, on connection: Connection) {}
    /// Decodes the frame's term and calls ``received(_:on:)``.
    package func received(frame payload: ByteBuffer, on connection: Connection) throws(ETFError) {
        received(try payload.decodeTerm(), on: connection)
    }
    /// Does nothing.
    package func connectionClosed(_ connection: Connection, error: TransportError?) {}
    /// Does nothing.
    package func handshakeFailed(
        _ error: HandshakeError, direction: ConnectionInfo.Direction, remoteAddress: SocketAddress?
    ) {}
}
