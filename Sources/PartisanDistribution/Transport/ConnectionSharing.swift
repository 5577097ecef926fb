/// Which connections carry a pair of nodes' traffic in each direction.
///
/// With ``separate`` (the default, as Partisan), each node sends on connections it dialled: a
/// node that a peer dials dials it back, so every channel connection of a pair is two TCP
/// connections, one per direction. With ``shared`` (as Erlang's distribution), the
/// connections the dialling node opened carry both directions: half the sockets and file
/// descriptors, which is what lets one OS process hold a thousand nodes of an overlay.
///
/// Nodes of either setting work together: a ``shared`` node that is dialled sends on the
/// dialler's connections, and a ``separate`` one dials back; the dialler reads from every
/// connection either way.
public enum ConnectionSharing: Sendable, Hashable {
    /// Each node sends on the connections it dialled; a peer that dials in is dialled back.
    case separate
    /// A node that was dialled sends on the dialler's connections and dials nothing back.
    case shared
}
