import Logging
import NIOCore
import NIOPosix
import PartisanCore
import Synchronization

/// A node's transport: a TCP listener for peers' connections, and the dialler of its own.
///
/// Every connection, in either direction, starts with the handshake (see ``HandshakeHandler``
/// and `Guides/Distribution.md`), carries one channel, and is reported to the
/// ``TransportDelegate``. A failed handshake or bad input closes only that connection; the
/// listener keeps accepting. All I/O runs on SwiftNIO event loops; nothing here blocks a thread.
///
/// Which connections exist is the layer above's choice. As in Partisan, a node sends on the
/// connections it dialled (``connect(to:expecting:)`` opens one per channel × parallelism) and
/// receives on those its peers dialled, though either side of a ``Connection`` may send.
package final class TransportEndpoint: Sendable {
    let core: EndpointCore
    private let servers: [any Channel]
    private let group: any EventLoopGroup
    /// The group's loops, which connections are dialled on in turn.
    private var loops: [any EventLoop] { core.loops }
    /// Where the next set of connections starts in `loops`.
    private let nextLane = Atomic<Int>(0)

    /// This node's name.
    package var node: Node { core.node }
    /// This node's creation, sent in every hello.
    package var creation: UInt32 { core.creation }
    /// What this node announces: its name, listen address (advertised host, bound port) and
    /// channels.
    package var spec: NodeSpec { core.spec }
    /// Where peers dial this node: the advertised host (the bound one when none was given)
    /// with the real port when started on port 0.
    package var listenAddress: ListenAddress { core.spec.listenAddresses[0] }
    /// The endpoint's configuration.
    package var configuration: TransportConfiguration { core.configuration }

    /// The faults injected on this endpoint's connections (see ``FaultInjector``).
    package var faults: FaultInjector { core.faults }

    private init(core: EndpointCore, servers: [any Channel], group: any EventLoopGroup) {
        self.core = core
        self.servers = servers
        self.group = group
    }

    /// Starts listening on `host`:`port` (0 picks a free port; ``listenAddress`` reports it),
    /// announcing `advertisedHost` as where peers dial it (when `nil`: `host`, or the host of
    /// `node`'s name when `host` is the wildcard `0.0.0.0` or `::`), and, with
    /// ``TransportConfiguration/listenerPerLoop`` and more than one loop in `group`, on one free
    /// port per loop, each accepting onto its own loop (see ``ConnectionLane``).
    ///
    /// - Parameters:
    ///   - node: this node's name.
    ///   - creation: this node's creation (a number that differs between restarts of a name).
    ///   - channels: the channels this node opens and accepts; names must be unique.
    ///   - delegate: decides admissions and receives events and terms.
    ///   - group: the event loops connections run on.
    /// - Throws: ``TransportError/weakCookie(host:)`` when `host` is not a loopback address
    ///   and the cookie is empty or well known (``Cookie/isWeak``); the socket error of a
    ///   failed bind.
    package static func start(
        node: Node,
        creation: UInt32,
        host: String = "127.0.0.1",
        port: Int = 0,
        advertisedHost: String? = nil,
        channels: [ChannelSpec] = ChannelSpec.standard,
        configuration: TransportConfiguration,
        delegate: any TransportDelegate,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> TransportEndpoint {
        let host = ListenAddress(host: host, port: port).host  // an IPv6 literal without brackets
        guard !configuration.cookie.isWeak || ListenAddress.isLoopback(host: host) else {
            throw TransportError.weakCookie(host: host)
        }
        let announced = advertisedHost ?? (ListenAddress.isWildcard(host: host) ? String(node.host) : host)
        let spec = NodeSpec(
            node: node, listenAddresses: [ListenAddress(host: announced, port: port)], channels: channels,
            hidden: configuration.hidden)
        let core = EndpointCore(
            spec: spec, creation: creation, configuration: configuration, delegate: delegate,
            loops: Array(group.makeIterator()))
        let server = try await listen(core, host: host, port: port, group: group, childGroup: group)
        var servers = [server]
        do {
            if configuration.listenerPerLoop, core.loops.count > 1 {
                for loop in core.loops {
                    servers.append(try await listen(core, host: host, port: 0, group: loop, childGroup: loop))
                }
                core.lanePorts = servers.dropFirst().map { $0.localAddress?.port ?? 0 }
            }
        } catch {
            for server in servers { try? await server.close() }
            throw error
        }
        let boundPort = server.localAddress?.port ?? port
        core.spec.listenAddresses = [ListenAddress(host: announced, port: boundPort)]
        configuration.logger.info(
            "listening",
            metadata: [
                "node": "\(node)", "address": "\(ListenAddress(host: host, port: boundPort))",
                "advertised": "\(ListenAddress(host: announced, port: boundPort))",
            ])
        return TransportEndpoint(core: core, servers: servers, group: group)
    }

    /// Binds a listener whose accepted connections run on `childGroup`'s loops.
    private static func listen(
        _ core: EndpointCore, host: String, port: Int, group: any EventLoopGroup, childGroup: any EventLoopGroup
    ) async throws -> any Channel {
        let highWater = core.configuration.sendQueue.writeBufferHighWaterMark
        return try await ServerBootstrap(group: group, childGroup: childGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: highWater / 2, high: highWater))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try core.configure(channel, role: .acceptor, promise: nil) }
            }
            .bind(host: host, port: port).get()
    }

    /// Opens connection `index` of `channel` to the node listening at `address` and runs the
    /// handshake.
    ///
    /// - Parameters:
    ///   - peer: the node expected to answer; another name fails the handshake with
    ///     ``HandshakeError/unexpectedPeer(expected:)``. `nil` accepts whoever answers.
    ///   - set: the set of connections it belongs to, as announced to the peer.
    ///   - eventLoop: the loop the connection runs on; the group's next when `nil`.
    /// - Throws: ``TransportError/unknownChannel(_:)`` for a channel or index this node does not
    ///   have, ``TransportError/unresolvedHost(_:)`` when the address's host name does not
    ///   resolve, ``TransportError/handshake(_:)`` when the handshake fails, or the socket error
    ///   of a failed connect.
    package func connect(
        to address: ListenAddress, channel: String, index: Int = 0, expecting peer: Node? = nil,
        set: ConnectionSet = .unnumbered, on eventLoop: (any EventLoop)? = nil
    ) async throws -> Connection {
        try await open(
            to: address, channel: channel, index: index, expecting: peer, set: set, on: eventLoop ?? group.next()
        ).get()
    }

    /// Opens the TCP connection for connection `index` of `channel` on `eventLoop` and returns
    /// once it is connected, with the future of its handshake.
    private func open(
        to address: ListenAddress, channel: String, index: Int, expecting peer: Node?, set: ConnectionSet,
        on eventLoop: any EventLoop
    ) async throws -> EventLoopFuture<Connection> {
        guard !core.isShutDown else { throw TransportError.shutDown }
        guard let spec = core.channel(named: channel), (0..<spec.parallelism).contains(index) else {
            throw TransportError.unknownChannel(channel)
        }
        let highWater = core.configuration.sendQueue.writeBufferHighWaterMark
        let promise = eventLoop.makePromise(of: Connection.self)
        let core = self.core
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(core.configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: .init(low: highWater / 2, high: highWater))
            .channelInitializer { nioChannel in
                nioChannel.eventLoop.makeCompletedFuture {
                    try core.configure(
                        nioChannel, role: .dialler(channel: spec, index: index, expected: peer, set: set),
                        promise: promise)
                }
            }
        do {
            _ = try await bootstrap.connect(host: address.host, port: address.port).get()
        } catch let error as NIOConnectionError
            where error.connectionErrors.isEmpty && (error.dnsAError != nil || error.dnsAAAAError != nil)
        {
            let unresolved = TransportError.unresolvedHost(address.host)
            promise.fail(unresolved)
            throw unresolved
        } catch {
            promise.fail(error)
            throw error
        }
        return promise.futureResult
    }

    /// Opens every connection of every channel (channel × parallelism) to the node at
    /// `address`. If one fails, the others are closed and its error is thrown.
    ///
    /// The TCP connections are opened one after the other, in the order of the channels and
    /// their indices, and each by default on its own event loop in turn (see
    /// ``laneLoops(count:)``); the handshakes then run concurrently. The peer accepts them in
    /// the same order, and its listener hands accepted connections to its loops in turn, so
    /// unless another node's connections arrive in between, the channels of a pair of nodes
    /// run on different loops at both ends: a stream of large messages on one channel then
    /// shares no thread with the small calls on another (head-of-line blocking between
    /// threads).
    ///
    /// - Parameters:
    ///   - only: the names of the channels to dial (those this node has); all when `nil`.
    ///   - set: the number the peer knows the connections by (see ``ConnectionSet``).
    ///   - eventLoop: picks the loop of each connection (by channel name and index); the
    ///     endpoint's loops in turn where it returns `nil`.
    ///   - aim: picks the address each connection dials (by channel name and index), such as
    ///     the peer's listener of a given loop (see ``ConnectionLane``); `address` where it
    ///     returns `nil`.
    package func connect(
        to address: ListenAddress, expecting peer: Node? = nil, only: Set<String>? = nil,
        set: ConnectionSet = .unnumbered,
        eventLoop: (_ channel: String, _ index: Int) -> (any EventLoop)? = { _, _ in nil },
        aim: (_ channel: String, _ index: Int) -> ListenAddress? = { _, _ in nil }
    ) async throws -> PeerConnections {
        let keys = core.spec.channels.filter { only?.contains($0.name) ?? true }.flatMap { channel in
            (0..<channel.parallelism).map { (channel: channel.name, index: $0) }
        }
        let lanes = laneLoops(count: keys.count)
        var handshakes: [EventLoopFuture<Connection>] = []
        var failure: (any Error)?
        for (lane, key) in keys.enumerated() {
            do {
                handshakes.append(
                    try await open(
                        to: aim(key.channel, key.index) ?? address, channel: key.channel, index: key.index,
                        expecting: peer, set: set,
                        on: eventLoop(key.channel, key.index) ?? lanes[lane]))
            } catch {
                failure = error
                break
            }
        }
        var opened: [Connection] = []
        for handshake in handshakes {
            do {
                opened.append(try await handshake.get())
            } catch {
                failure = failure ?? error
            }
        }
        if let failure {
            for connection in opened { await connection.close() }
            throw failure
        }
        return PeerConnections(connections: opened)
    }

    /// `count` event loops for the connections of one set: the group's loops in turn, from
    /// where the previous set stopped (so the sets of many peers spread over all loops).
    private func laneLoops(count: Int) -> [any EventLoop] {
        let first = nextLane.wrappingAdd(count, ordering: .relaxed).oldValue
        return (0..<count).map { loops[(first + $0) % loops.count] }
    }

    /// Closes the listeners, so no new connection arrives; the open connections stay. Returns
    /// once they are closed. Safe to call more than once.
    package func stopListening() async {
        for server in servers { try? await server.close() }
    }

    /// Stops listening and closes every connection, then returns. Later connects fail with
    /// ``TransportError/shutDown``.
    package func shutdown() async {
        let open = core.beginShutdown()
        for server in servers { try? await server.close() }
        // All at once: a TLS close waits for the peer's close_notify (see TransportTLS).
        for channel in open { channel.close(promise: nil) }
        for channel in open { try? await channel.closeFuture.get() }
    }
}
