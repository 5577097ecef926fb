/// The largest frame one connection accepts: small until its handshake completes, the
/// configured maximum after.
///
/// Shared by the connection's ``FrameDecoder`` and its handshake, which calls
/// ``establish()`` once the peer has proved itself. Before that, a peer that has not proved
/// anything can make the connection hold at most ``handshake`` bytes of one frame, and the
/// buffer grows only with bytes that have arrived. Confined to the connection's event loop.
final class FrameLimits {
    /// The limit until the handshake completes.
    let handshake: Int
    /// The limit after it.
    let established: Int
    /// Whether the handshake completed.
    private(set) var isEstablished: Bool

    /// Limits of a connection that starts with a handshake.
    init(handshake: Int, established: Int) {
        self.handshake = handshake
        self.established = established
        self.isEstablished = false
    }

    /// Limits of a connection with no handshake: `established` from the first byte.
    init(established: Int) {
        self.handshake = established
        self.established = established
        self.isEstablished = true
    }

    /// The limit in force.
    var current: Int { isEstablished ? established : handshake }

    /// The peer proved itself: frames up to ``established`` bytes are accepted from now on.
    func establish() { isEstablished = true }
}
