import Logging
import NIOCore
import PartisanCore

/// Runs the handshake of one connection, then removes itself from the pipeline.
///
/// Sits behind the ``FrameDecoder`` and in front of ``ConnectionHandler``; every inbound frame
/// until the handshake ends is a handshake message and is not passed on. The exchange (the
/// dialler is D, the acceptor A):
///
/// ```
/// D -> A  {hello, 1, D, CreationD, SpecD, NonceD, {Channel, Index}, {Set, Answers}}
/// A -> D  {hello, 1, A, CreationA, SpecA, NonceA, {Channel, Index}, {Set, Answers}}
/// A -> D  {challenge_reply, HMAC(Cookie, NonceD ‖ A ‖ 0 ‖ D)}
/// D -> A  {challenge_reply, HMAC(Cookie, NonceA ‖ D ‖ 0 ‖ A)}
/// A -> D  established
/// ```
///
/// Each side checks the other's hello (version, not its own name, the expected peer, a
/// known channel and index), asks the delegate's ``TransportDelegate/admit(_:)``, answers the
/// peer's nonce, and verifies the peer's answer to its own nonce in constant time. Any failure
/// sends `{refused, Reason}` (except when the peer refused or left), logs the reason, fires
/// ``HandshakeEvent/failed(_:)`` and closes the connection. Success fires
/// ``HandshakeEvent/established(_:)``. A timer closes a handshake that takes longer than the
/// configured timeout. All of it runs on the channel's event loop.
final class HandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Which side of the connection this handler runs on.
    enum Role {
        /// This node dialled to open `index` of `channel` of the connection set `set`,
        /// expecting `expected` (if known).
        case dialler(channel: ChannelSpec, index: Int, expected: Node?, set: ConnectionSet)
        /// The peer dialled this node.
        case acceptor
    }

    private enum State {
        case awaitingHello
        case awaitingReply(ConnectionInfo)
        case awaitingEstablished(ConnectionInfo)
        case done
    }

    private let core: EndpointCore
    private let role: Role
    private let nonce = HandshakeMessage.makeNonce()
    private var state = State.awaitingHello
    private var started = false
    private var timeout: Scheduled<Void>?

    init(core: EndpointCore, role: Role) {
        self.core = core
        self.role = role
    }

    private var direction: ConnectionInfo.Direction {
        if case .dialler = role { .outbound } else { .inbound }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed, context: context, tellPeer: false)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.malformedMessage("\(error)"), context: context, tellPeer: true)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .done = state { return }
        let message: HandshakeMessage
        do {
            let term: Term
            do { term = try unwrapInboundIn(data).decodeTerm() } catch {
                throw HandshakeError.malformedMessage("\(error)")
            }
            message = try HandshakeMessage(term: term)
        } catch {
            fail(error as? HandshakeError ?? .malformedMessage("\(error)"), context: context, tellPeer: true)
            return
        }
        do {
            try handle(message, context: context)
        } catch let error as HandshakeError {
            fail(error, context: context, tellPeer: true)
        } catch {
            fail(.malformedMessage("\(error)"), context: context, tellPeer: true)
        }
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(core.configuration.handshakeTimeout)) {
            self.fail(.timedOut, context: context, tellPeer: true)
        }
        if case .dialler(let channel, let index, _, let set) = role {
            send(
                .hello(ownHello(channel: channel.name, index: index, set: set, on: context.eventLoop)), context: context
            )
            context.flush()
        }
    }

    private func handle(_ message: HandshakeMessage, context: ChannelHandlerContext) throws {
        switch (state, message) {
        case (_, .refused(let reason)):
            fail(.refusedByPeer(reason), context: context, tellPeer: false)
        case (.awaitingHello, .hello(let hello)):
            let info = try validate(hello, remoteAddress: context.remoteAddress, on: context.eventLoop)
            if case .refuse(let reason) = core.delegate.admit(info) {
                throw HandshakeError.notAdmitted(info.peer, reason: reason)
            }
            if case .acceptor = role {
                send(
                    .hello(ownHello(channel: hello.channel, index: hello.index, set: hello.set, on: context.eventLoop)),
                    context: context)
            }
            let digest = HandshakeMessage.digest(
                cookie: core.configuration.cookie, nonce: hello.nonce, responder: core.node, challenger: hello.node)
            send(.challengeReply(digest: digest), context: context)
            context.flush()
            state = .awaitingReply(info)
        case (.awaitingReply(let info), .challengeReply(let digest)):
            guard
                HandshakeMessage.verify(
                    digest, cookie: core.configuration.cookie, nonce: nonce, responder: info.peer, challenger: core.node
                )
            else { throw HandshakeError.badCookie }
            if case .acceptor = role {
                send(.established, context: context)
                context.flush()
                succeed(info, context: context)
            } else {
                state = .awaitingEstablished(info)
            }
        case (.awaitingEstablished(let info), .established):
            succeed(info, context: context)
        default:
            throw HandshakeError.malformedMessage("unexpected \(message.term) in state \(state)")
        }
    }

    /// Checks a peer's hello and describes the connection it would establish.
    private func validate(
        _ hello: HandshakeMessage.Hello, remoteAddress: SocketAddress?, on loop: any EventLoop
    ) throws(HandshakeError) -> ConnectionInfo {
        guard hello.node != core.node else { throw .ownName(hello.node) }
        let channel: ChannelSpec
        let set: ConnectionSet
        switch role {
        case .dialler(let dialled, let index, let expected, let dialledSet):
            if let expected, expected != hello.node { throw .unexpectedPeer(expected: expected, got: hello.node) }
            guard hello.channel == dialled.name, hello.index == index else {
                throw .malformedMessage(
                    "peer answered for \(hello.channel)#\(hello.index), dialled \(dialled.name)#\(index)")
            }
            channel = dialled
            set = dialledSet
        case .acceptor:
            guard let ours = core.channel(named: hello.channel),
                let theirs = hello.spec.channel(named: hello.channel), (0..<theirs.parallelism).contains(hello.index)
            else { throw .unknownChannel(hello.channel, index: hello.index) }
            channel = ours
            set = hello.set
        }
        return ConnectionInfo(
            localNode: core.node, peer: hello.node, peerCreation: hello.creation, peerSpec: hello.spec,
            channel: channel, index: hello.index, direction: direction, remoteAddress: remoteAddress, set: set,
            lane: core.lane(of: loop), peerLane: hello.lane)
    }

    private func ownHello(channel: String, index: Int, set: ConnectionSet, on loop: any EventLoop)
        -> HandshakeMessage.Hello
    {
        HandshakeMessage.Hello(
            version: HandshakeMessage.version, node: core.node, creation: core.creation, spec: core.spec,
            nonce: nonce, channel: channel, index: index, set: set, lane: core.lane(of: loop))
    }

    private func send(_ message: HandshakeMessage, context: ChannelHandlerContext) {
        do {
            context.write(
                wrapOutboundOut(try core.encoder.encode(message.term, allocator: context.channel.allocator)),
                promise: nil)
        } catch {
            // Our own handshake terms are small and always encodable; a failure here is a bug.
            assertionFailure("cannot encode handshake message: \(error)")
        }
    }

    private func succeed(_ info: ConnectionInfo, context: ChannelHandlerContext) {
        state = .done
        timeout?.cancel()
        core.configuration.logger.debug("connection established", metadata: ["connection": "\(info)"])
        context.fireUserInboundEventTriggered(HandshakeEvent.established(info))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func fail(_ error: HandshakeError, context: ChannelHandlerContext, tellPeer: Bool) {
        if case .done = state { return }
        state = .done
        timeout?.cancel()
        core.configuration.logger.notice(
            "handshake failed, closing connection",
            metadata: [
                "reason": "\(error)", "direction": "\(direction)",
                "remote": "\(context.remoteAddress.map { "\($0)" } ?? "unknown")",
            ])
        context.fireUserInboundEventTriggered(HandshakeEvent.failed(error))
        guard tellPeer, context.channel.isActive,
            let frame = try? core.encoder.encode(HandshakeMessage.refused(reason: error.wireReason).term)
        else {
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(frame)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
