/// What ``HandshakeHandler`` tells ``ConnectionHandler``, as a user inbound event, when the
/// handshake ends.
enum HandshakeEvent {
    /// The handshake succeeded; frames after this event are data.
    case established(ConnectionInfo)
    /// The handshake failed; the connection is being closed.
    case failed(HandshakeError)
}
