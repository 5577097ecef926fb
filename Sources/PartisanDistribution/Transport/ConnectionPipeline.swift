import NIOCore
import PartisanCore

/// The handlers of one connection, installed on a channel the caller made: what a
/// ``TransportEndpoint`` installs on each socket (frame decoder, handshake, connection
/// handler), for running a connection over another channel, such as NIOEmbedded's
/// `EmbeddedChannel` in tests and fuzzing.
package enum ConnectionPipeline {
    /// Which side of the connection the pipeline runs.
    package enum Role {
        /// This node dialled to open `index` of `channel`, expecting `expected` (if known).
        case dialler(channel: ChannelSpec, index: Int, expected: Node?)
        /// The peer dialled this node.
        case acceptor
    }

    /// Installs the pipeline of a connection of the node `spec` on `channel`; the handshake
    /// starts when the channel is active. Call on the channel's event loop.
    ///
    /// - Parameters:
    ///   - creation: the node's creation, as its hello announces it.
    ///   - delegate: what the connection reports to: admission, establishment, frames, close.
    /// - Throws: what adding handlers to the pipeline throws.
    package static func install(
        on channel: any Channel, spec: NodeSpec, creation: UInt32, configuration: TransportConfiguration,
        delegate: any TransportDelegate, role: Role
    ) throws {
        let core = EndpointCore(
            spec: spec, creation: creation, configuration: configuration, delegate: delegate,
            loops: [channel.eventLoop])
        let handshakeRole: HandshakeHandler.Role =
            switch role {
            case .dialler(let dialled, let index, let expected):
                .dialler(channel: dialled, index: index, expected: expected, set: .unnumbered)
            case .acceptor: .acceptor
            }
        try core.configure(channel, role: handshakeRole, promise: nil)
    }
}
