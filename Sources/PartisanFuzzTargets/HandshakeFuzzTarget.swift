import CPartisanFuzzSupport
import Logging
import NIOCore
import NIOEmbedded
import PartisanCore
import PartisanDistribution
import Synchronization

/// The frame decoder and the handshake of a connection (the real handlers, as a node installs
/// them, ``ConnectionPipeline``) on an `EmbeddedChannel`, fed bytes from a peer that does not
/// know the cookie.
///
/// An input is one byte of settings, then the bytes the peer sends. The settings byte's low
/// bit picks the side this node runs: 0 the acceptor (node ``local``, dialled by
/// ``peer``), 1 the dialler (node ``peer``, dialling ``local``'s default channel); its
/// other bits pick how the bytes arrive: in pieces of 1, 2, 3, 5, 8, 64, 512 or 4096 bytes
/// (but at most ``maxPieces`` pieces), or all at once.
///
/// Properties checked on every input:
/// - the handshake never completes (the peer cannot prove the cookie: the proofs cover this
///   side's fresh random nonce);
/// - after every piece, the connection holds at most ``retainedLimit`` bytes more than it
///   did when it started, and (under the address sanitizer) reading a piece never had more
///   than ``peakLimit`` bytes more allocated at once;
/// - once the bytes are in, the handshake has either failed (the connection closed, and the
///   failure was reported once) or waits for more (the connection open, nothing reported); a
///   waiting one fails when its deadline passes;
/// - no log line is longer than ``logLineLimit`` bytes (no peer bytes in logs).
enum HandshakeFuzzTarget {
    static let local: Node = "a@127.0.0.1"
    static let peer: Node = "b@127.0.0.1"
    static let cookie: Cookie = "fuzz-cookie"

    /// How the peer's bytes arrive, by the settings byte's bits 1 to 3 (and above: at once).
    static let pieceSizes = [1, 2, 3, 5, 8, 64, 512, 4096]

    /// The most pieces an input arrives in.
    static let maxPieces = 64

    /// The largest frame before the peer proved itself.
    static let handshakeFrameSize = TransportConfiguration(cookie: cookie).handshakeFrameSize

    /// The most bytes a connection may hold beyond its start before its peer proved itself:
    /// one frame at the handshake's limit being read (in a buffer that may have doubled), the
    /// peer's hello kept for the transcript, and the pipeline's handlers.
    static let retainedLimit = 4 * handshakeFrameSize + 16 << 10

    /// The most bytes allocated at once while one piece is read before the peer proved
    /// itself: decoding a handshake frame makes a ``Term`` of at most one term per byte (a
    /// frame of 4,089 `[]` is 4,089 terms), whose arrays and map tables may hold twice that
    /// room, and the rest is small. Nested headers that each reserved the rest of the frame
    /// once took 245 KB for 297 bytes (`crash-nested-tuple-headers`).
    static let peakLimit = 2 * MemoryLayout<Term>.stride * handshakeFrameSize + 64 << 10

    /// The longest log line allowed.
    static let logLineLimit = 1 << 10

    static func run(_ input: UnsafeRawBufferPointer) {
        guard let settings = input.first else { return }
        let stream = UnsafeRawBufferPointer(rebasing: input.dropFirst())
        let acceptor = settings & 1 == 0
        let selector = Int(settings >> 1)
        let chosen = selector < pieceSizes.count ? pieceSizes[selector] : stream.count
        // At most `maxPieces` pieces: splitting a long input finer only repeats the same work.
        let pieceSize = max(1, chosen, (stream.count + maxPieces - 1) / maxPieces)

        let observer = Observer()
        let channel = EmbeddedChannel()
        let start = partisan_heap_allocated_bytes()
        install(on: channel, acceptor: acceptor, observer: observer)
        channel.connect(to: try! SocketAddress(ipAddress: "127.0.0.1", port: 4370), promise: nil)
        drainOutbound(channel)

        var offset = 0
        while offset < stream.count, channel.isActive {
            let end = min(stream.count, offset + pieceSize)
            var piece = channel.allocator.buffer(capacity: end - offset)
            piece.writeBytes(UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
            offset = end
            let measuresPeak = partisan_heap_peak_reset() != 0
            _ = try? channel.writeInbound(piece)
            drainOutbound(channel)
            if measuresPeak {
                let peak = partisan_heap_peak_since_reset()
                fuzzCheck(peak <= peakLimit, "reading \(end) bytes allocated \(peak) bytes at once")
            }
            let held = partisan_heap_allocated_bytes() - start
            fuzzCheck(held <= retainedLimit, "after \(end) bytes the connection holds \(held) bytes")
        }

        let outcome = observer.outcome
        fuzzCheck(outcome.established == 0, "a peer without the cookie completed the handshake")
        if channel.isActive {
            fuzzCheck(outcome.failures == 0, "a failed handshake left its connection open")
            channel.embeddedEventLoop.advanceTime(by: .seconds(3600))
            fuzzCheck(!channel.isActive, "a handshake outlived its deadline")
        }
        let final = observer.outcome
        fuzzCheck(final.failures == 1, "a closed handshake reported \(final.failures) failures")
        fuzzCheck(final.established == 0, "a handshake completed after its deadline")
        fuzzCheck(
            final.longestLogLine <= logLineLimit, "a log line of \(final.longestLogLine) bytes")
        _ = try? channel.finish(acceptAlreadyClosed: true)
    }

    private static func install(on channel: EmbeddedChannel, acceptor: Bool, observer: Observer) {
        var logger = Logger(label: "partisan.fuzz") { _ in observer.logHandler }
        logger.logLevel = .trace
        let configuration = TransportConfiguration(cookie: cookie, logger: logger)
        let me = acceptor ? local : peer
        let spec = NodeSpec(node: me, listenAddresses: [ListenAddress(host: "127.0.0.1", port: 4370)])
        let role: ConnectionPipeline.Role =
            acceptor ? .acceptor : .dialler(channel: .default, index: 0, expected: local)
        do {
            try ConnectionPipeline.install(
                on: channel, spec: spec, creation: 1, configuration: configuration, delegate: observer, role: role)
        } catch {
            fuzzFailure("cannot install the connection pipeline: \(error)")
        }
    }

    /// Drops what this side wrote (its hello, proof or refusal): the peer is the input.
    private static func drainOutbound(_ channel: EmbeddedChannel) {
        while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
    }

    /// Counts what the connection reported to its delegate and measures its log lines.
    final class Observer: TransportDelegate {
        struct Outcome {
            var established = 0
            var failures = 0
            var longestLogLine = 0
        }

        private let state = Mutex(Outcome())

        var outcome: Outcome { state.withLock { $0 } }

        var logHandler: MeasuringLogHandler { MeasuringLogHandler(observer: self) }

        func connectionEstablished(_ connection: Connection) {
            state.withLock { $0.established += 1 }
        }

        func handshakeFailed(
            _ error: HandshakeError, direction: ConnectionInfo.Direction, remoteAddress: SocketAddress?
        ) {
            state.withLock { $0.failures += 1 }
        }

        func logged(_ bytes: Int) {
            state.withLock { $0.longestLogLine = max($0.longestLogLine, bytes) }
        }
    }

    /// A log handler that formats each line (so formatting runs) and keeps only its length.
    struct MeasuringLogHandler: LogHandler {
        let observer: Observer
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var line = "\(event.level) \(event.message)"
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
                line += " \(key)=\(value)"
            }
            observer.logged(line.utf8.count)
        }
    }
}
