import Logging
import NIOCore
import PartisanCore

/// Runs the handshake of one connection, then removes itself from the pipeline.
///
/// Sits behind the ``FrameDecoder`` and in front of ``ConnectionHandler``; every inbound frame
/// until the handshake ends is a handshake message and is not passed on. The exchange (the
/// dialler is D, the acceptor A; see ``HandshakeProof`` for the proofs and `Guides/Security.md`
/// for why it is built this way):
///
/// ```
/// D -> A  {hello, 2, D, CreationD, SpecD, NonceD, {Channel, Index}, {Set, Answers}, Lane}
/// A -> D  {hello, 2, A, CreationA, SpecA, NonceA, {Channel, Index}, {Set, Answers}, Lane}
/// D -> A  {proof, HMAC(Cookie, dialler ‖ Transcript ‖ Binding)}
/// A -> D  {proof, HMAC(Cookie, acceptor ‖ Transcript ‖ Binding)}     only once D's proof verified
/// D -> A  established
/// ```
///
/// Before a peer has proved the cookie, the handler reads at most two small frames from it
/// (``FrameLimits``), formats none of its bytes into logs or errors, and gives it no proof.
/// Each side checks the other's hello (version, not its own name, not its own nonce; the
/// dialler: the expected peer and the echoed channel and index), verifies the peer's proof in
/// constant time, then checks what the peer asked for (a known channel and index; with TLS,
/// that the peer's certificate names it) and asks the delegate's
/// ``TransportDelegate/admit(_:)``. Any failure sends `{refused, Reason}` (except when the peer
/// refused or left), logs the reason, fires ``HandshakeEvent/failed(_:)`` and closes the
/// connection. Success fires ``HandshakeEvent/established(_:)``. A timer closes a handshake that
/// takes longer than the configured timeout. All of it runs on the channel's event loop.
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

    /// A peer whose hello was read, with the transcript of both hellos and what TLS says of
    /// the connection (`nil` on plain TCP).
    private struct Introduced {
        let hello: HandshakeMessage.Hello
        let transcript: HandshakeProof
        let tls: TLSChannelInfo?

        /// The channel binding the proofs cover: empty on plain TCP.
        var binding: [UInt8] { tls?.binding ?? [] }
    }

    private enum State {
        /// Waiting for the peer's hello (the dialler has sent its own).
        case awaitingHello
        /// Acceptor: hellos exchanged, waiting for the dialler's proof.
        case awaitingDiallerProof(Introduced)
        /// Dialler: proof sent, waiting for the acceptor's.
        case awaitingAcceptorProof(Introduced)
        /// Acceptor: proof sent, waiting for the dialler to confirm.
        case awaitingEstablished(ConnectionInfo)
        /// The peer's hello named a node a partition cuts off (see ``FaultInjector``): nothing
        /// more is read or sent, and the connection closes without telling the peer (at the
        /// timeout, or once the partition is resolved).
        case silenced
        case done
    }

    private let core: EndpointCore
    private let role: Role
    private let limits: FrameLimits
    private let nonce = HandshakeMessage.makeNonce()
    /// The payload of the hello this side sent (part of the transcript).
    private var ownHello: [UInt8] = []
    private var state = State.awaitingHello
    private var started = false
    /// This connection's place among the endpoint's handshakes in progress (acceptor only).
    private var slot: EndpointCore.HandshakeSlot?
    private var timeout: Scheduled<Void>?

    init(core: EndpointCore, role: Role, limits: FrameLimits) {
        self.core = core
        self.role = role
        self.limits = limits
    }

    private var direction: ConnectionInfo.Direction {
        if case .dialler = role { .outbound } else { .inbound }
    }

    /// The role whose proof the peer gives.
    private var peerProofRole: HandshakeProof.Role {
        if case .dialler = role { .acceptor } else { .dialler }
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
        let what =
            if case TransportError.frameTooLarge(let size, let limit) = error {
                "frame of \(size) bytes above the limit of \(limit)"
            } else {
                "connection error: \(error)"
            }
        fail(.malformedMessage(what), context: context, tellPeer: true)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is EndpointCore.HandshakeDisplaced {
            fail(.tooManyHandshakes, context: context, tellPeer: true)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .done, .silenced: return
        default: break
        }
        let payload = unwrapInboundIn(data)
        do {
            let term: Term
            do { term = try payload.decodeTerm() } catch {
                throw HandshakeError.malformedMessage("undecodable term: \(error)")
            }
            try handle(HandshakeMessage(term: term), payload: payload, context: context)
        } catch let error as HandshakeError {
            fail(error, context: context, tellPeer: true)
        } catch {
            fail(.malformedMessage("\(type(of: error))"), context: context, tellPeer: true)
        }
    }

    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(core.configuration.handshakeTimeout)) {
            let silenced = if case .silenced = self.state { true } else { false }
            self.fail(.timedOut, context: context, tellPeer: !silenced)
        }
        switch role {
        case .acceptor:
            slot = core.beginHandshake(from: context.remoteAddress, channel: context.channel)
        case .dialler(let channel, let index, _, let set):
            ownHello = send(
                .hello(ownHello(channel: channel.name, index: index, set: set, on: context.eventLoop)),
                context: context)
            context.flush()
        }
    }

    private func handle(_ message: HandshakeMessage, payload: ByteBuffer, context: ChannelHandlerContext) throws {
        switch (state, message) {
        case (_, .refused(let reason)):
            fail(.refusedByPeer(reason), context: context, tellPeer: false)
        case (.awaitingHello, .hello(let hello)):
            guard hello.node != core.node else { throw HandshakeError.ownName(hello.node) }
            guard hello.nonce != nonce else { throw HandshakeError.malformedMessage("hello with this side's nonce") }
            if core.faults.cuts(hello.node) {
                state = .silenced
                endSilenceWhenResolved(from: hello.node, context: context)
                return
            }
            switch role {
            case .acceptor:
                ownHello = send(
                    .hello(ownHello(channel: hello.channel, index: hello.index, set: hello.set, on: context.eventLoop)),
                    context: context)
                context.flush()
                let transcript = HandshakeProof(diallerHello: payload.readableBytesView, acceptorHello: ownHello)
                state = .awaitingDiallerProof(
                    Introduced(hello: hello, transcript: transcript, tls: core.tlsInfo(of: context.channel)))
            case .dialler(let dialled, let index, let expected, _):
                if let expected, expected != hello.node { throw HandshakeError.unexpectedPeer(expected: expected) }
                guard hello.channel == dialled.name, hello.index == index else {
                    throw HandshakeError.malformedMessage("peer answered for another channel or index")
                }
                let peer = Introduced(
                    hello: hello,
                    transcript: HandshakeProof(diallerHello: ownHello, acceptorHello: payload.readableBytesView),
                    tls: core.tlsInfo(of: context.channel))
                // With TLS the dialler proves itself only to a peer whose certificate names it.
                if let tls = peer.tls, !tls.certificate(names: hello.node) { throw HandshakeError.certificateMismatch }
                _ = send(
                    .proof(
                        mac: peer.transcript.mac(.dialler, cookie: core.configuration.cookie, binding: peer.binding)),
                    context: context)
                context.flush()
                state = .awaitingAcceptorProof(peer)
            }
        case (.awaitingDiallerProof(let peer), .proof(let mac)):
            let info = try authenticate(peer, mac: mac, context: context)
            _ = send(
                .proof(mac: peer.transcript.mac(.acceptor, cookie: core.configuration.cookie, binding: peer.binding)),
                context: context)
            context.flush()
            state = .awaitingEstablished(info)
        case (.awaitingAcceptorProof(let peer), .proof(let mac)):
            let info = try authenticate(peer, mac: mac, context: context)
            _ = send(.established, context: context)
            context.flush()
            succeed(info, context: context)
        case (.awaitingEstablished(let info), .established):
            succeed(info, context: context)
        default:
            throw HandshakeError.malformedMessage("message out of order")
        }
    }

    /// Verifies the peer's proof, then what the now authenticated peer asked for, and asks the
    /// delegate to admit it.
    private func authenticate(_ peer: Introduced, mac: [UInt8], context: ChannelHandlerContext) throws
        -> ConnectionInfo
    {
        guard
            peer.transcript.verify(mac, from: peerProofRole, cookie: core.configuration.cookie, binding: peer.binding)
        else { throw HandshakeError.badCookie }
        if let tls = peer.tls, !tls.certificate(names: peer.hello.node) { throw HandshakeError.certificateMismatch }
        let info = try describe(peer.hello, remoteAddress: context.remoteAddress, on: context.eventLoop)
        if case .refuse(let reason) = core.delegate.admit(info) {
            throw HandshakeError.notAdmitted(info.peer, reason: reason)
        }
        return info
    }

    /// Checks what an authenticated peer's hello asks for and describes the connection it
    /// establishes.
    private func describe(
        _ hello: HandshakeMessage.Hello, remoteAddress: SocketAddress?, on loop: any EventLoop
    ) throws(HandshakeError) -> ConnectionInfo {
        let channel: ChannelSpec
        let set: ConnectionSet
        switch role {
        case .dialler(let dialled, _, _, let dialledSet):
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

    /// Writes `message` and returns its frame's payload (the bytes a transcript covers).
    @discardableResult
    private func send(_ message: HandshakeMessage, context: ChannelHandlerContext) -> [UInt8] {
        do {
            let frame = try core.encoder.encode(message.term, allocator: context.channel.allocator)
            context.write(wrapOutboundOut(frame), promise: nil)
            return Array(frame.readableBytesView.dropFirst(4))
        } catch {
            // Our own handshake terms are small and always encodable; a failure here is a bug.
            assertionFailure("cannot encode handshake message: \(error)")
            return []
        }
    }

    private func succeed(_ info: ConnectionInfo, context: ChannelHandlerContext) {
        state = .done
        end()
        limits.establish()
        core.configuration.logger.debug("connection established", metadata: ["connection": "\(info)"])
        context.fireUserInboundEventTriggered(HandshakeEvent.established(info))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func fail(_ error: HandshakeError, context: ChannelHandlerContext, tellPeer: Bool) {
        if case .done = state { return }
        state = .done
        end()
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

    /// Closes a silenced handshake as soon as no partition cuts `peer` any more (checked every
    /// 100 ms), rather than at its timeout, so that the dialler's next attempt can get through.
    private func endSilenceWhenResolved(from peer: Node, context: ChannelHandlerContext) {
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(100)) {
            guard case .silenced = self.state else { return }
            if self.core.faults.cuts(peer) {
                self.endSilenceWhenResolved(from: peer, context: context)
            } else {
                self.fail(.timedOut, context: context, tellPeer: false)
            }
        }
    }

    /// Stops the timer and gives back this connection's place among the handshakes in progress.
    private func end() {
        timeout?.cancel()
        if let slot {
            self.slot = nil
            core.endHandshake(slot)
        }
    }
}
