/// Where one end of a connection runs: the index of its event loop among its endpoint's loops,
/// and the ports of that endpoint's per-loop listeners (see ``TransportConfiguration/listenerPerLoop``).
///
/// Each side announces its own in its hello. A node dialling back a peer aims each connection
/// at the listener of the loop the peer's connection of the same channel and index runs on, so
/// that both directions of a channel run on one loop at the peer too: SwiftNIO otherwise hands
/// an accepted connection to whichever loop is next, and the replies of one channel could be
/// read on the loop that writes another channel's stream.
package struct ConnectionLane: Sendable, Hashable, CustomStringConvertible {
    /// The index of the connection's event loop among its endpoint's loops.
    package let loop: Int
    /// The ports of the endpoint's per-loop listeners, in loop order (on the host of its listen
    /// address); empty when it has none.
    package let ports: [Int]

    /// A lane on loop `loop` of an endpoint with per-loop listeners on `ports`.
    package init(loop: Int, ports: [Int]) {
        self.loop = loop
        self.ports = ports
    }

    /// The port of the listener of this lane's loop, if the endpoint has one.
    package var port: Int? { ports.indices.contains(loop) ? ports[loop] : nil }

    package var description: String { "loop \(loop) of \(ports.count)" }
}
