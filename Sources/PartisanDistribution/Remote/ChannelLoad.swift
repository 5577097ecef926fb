/// One channel's open connections and what waits in their send queues, over every peer: what
/// the node's metrics sample (see ``NetKernel/channelLoads()``).
package struct ChannelLoad: Sendable, Hashable {
    /// Open connections of the channel, in either direction.
    package var connections = 0
    /// Messages queued and not yet handed to the socket.
    package var queuedMessages = 0
    /// Bytes queued and not yet handed to the socket.
    package var queuedBytes = 0
}
