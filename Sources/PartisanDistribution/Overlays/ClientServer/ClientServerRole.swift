/// A node's role in a ``ClientServerMembership`` overlay.
public enum ClientServerRole: String, Hashable, Sendable {
    /// Connects to every server and accepts clients.
    case server
    /// Connects to every server and never to another client.
    case client
}
