import Metrics
import NIOCore
import NIOPosix
import PartisanCore
import Synchronization

/// One established TCP connection to a peer, carrying one channel's traffic.
///
/// ``send(_:key:)`` may be called from any thread or task. It encodes the term on the caller's
/// thread, queues the frame in the connection's bounded send queue and returns; the frames are
/// written on the connection's event loop, while the channel is writable, with one flush per
/// burst. A large frame goes in slices of ``writeSliceBytes`` (a large binary's bytes are
/// copied from the sender's array a slice at a time, see ``OutgoingFrame``), so a connection
/// never holds its loop for long. Frames from one caller are written in the order it queued
/// them.
package final class Connection: Sendable, CustomStringConvertible {
    private struct State: Sendable {
        var queue: SendQueue
        var closed = false
        /// A drain is scheduled on the event loop, or waits for the channel to become writable.
        var drainPending = false
        /// The frames a sender on the event loop queues before it writes them itself: starts
        /// at ``firstInlineDrainMessages`` in each turn of the loop and doubles after each such
        /// write, up to ``inlineDrainMessages``.
        var inlineDrainLimit = Connection.firstInlineDrainMessages
        /// Frames and bytes queued since the metrics were last told (at the end of a drain).
        var uncountedFrames = 0
        var uncountedBytes = 0
        /// The queue's count of replaced messages the metrics were last told.
        var countedReplaced = 0
    }

    /// What the handshake established: peer, channel, index, direction.
    package let info: ConnectionInfo
    let channel: any Channel
    /// The traffic counters of the connection's channel; the handler adds what it receives.
    let metrics: ChannelMetrics
    let encoder: FrameEncoder
    private let state: Mutex<State>
    /// The faults injected on the endpoint (see ``FaultInjector``).
    let faults: FaultInjector

    init(
        info: ConnectionInfo, channel: any Channel, encoder: FrameEncoder, limits: SendQueueLimits,
        metrics: any MetricsFactory = MetricsSystem.factory, faults: FaultInjector = FaultInjector()
    ) {
        self.info = info
        self.faults = faults
        self.channel = channel
        self.encoder = encoder
        self.metrics = ChannelMetrics(node: info.localNode, channel: info.channel.name, factory: metrics)
        self.state = Mutex(State(queue: SendQueue(limits: limits, monotonic: info.channel.monotonic)))
    }

    package var description: String { "Connection(\(info))" }

    /// Queues `term` for sending, with no monotonic key.
    ///
    /// - Throws: see ``send(_:key:)``.
    package func send(_ term: Term) throws(TransportError) {
        try send(frame: OutgoingFrame(head: encoder.encode(term, allocator: channel.allocator)), key: nil)
    }

    /// Queues `term` for sending.
    ///
    /// - Parameter key: on a monotonic channel, a queued message with the same key is replaced
    ///   by this one (counted in ``droppedCount``); ignored on other channels.
    /// - Throws: ``TransportError/frameTooLarge(size:limit:)`` or ``TransportError/encoding(_:)``
    ///   when the term cannot be framed, ``TransportError/queueFull(messages:bytes:)`` when the
    ///   queue has no room, ``TransportError/connectionClosed`` when the connection is closed.
    ///   In every case nothing is sent.
    package func send(_ term: Term, key: some Hashable & Sendable) throws(TransportError) {
        try send(
            frame: OutgoingFrame(head: encoder.encode(term, allocator: channel.allocator)),
            key: monotonic ? MessageKey(key) : nil)
    }

    /// Whether a queued message is replaced by a newer one with the same key.
    private var monotonic: Bool { info.channel.monotonic }

    /// Queues a term already encoded as ETF (version byte first), with no monotonic key.
    ///
    /// - Throws: see ``send(_:key:)``.
    func send(encoded message: EncodedMessage) throws(TransportError) {
        try send(frame: encoder.frame(message.head, message.tail, allocator: channel.allocator), key: nil)
    }

    /// Queues a term already encoded as ETF (version byte first); on a monotonic channel, a
    /// queued message with the same `key` is replaced by this one.
    ///
    /// - Throws: see ``send(_:key:)``.
    func send(encoded message: EncodedMessage, key: (some Hashable & Sendable)?) throws(TransportError) {
        try send(
            frame: encoder.frame(message.head, message.tail, allocator: channel.allocator),
            key: monotonic ? key.map(MessageKey.init) : nil)
    }

    /// Queues an already encoded frame (see ``FrameEncoder``).
    ///
    /// A sender on another thread schedules one drain on the event loop per burst. A sender on
    /// the connection's own event loop (a process running there) cannot be overlapped by a
    /// drain, so once it has queued a batch of frames (``firstInlineDrainMessages`` in each turn
    /// of the loop, then twice as many each time, up to ``inlineDrainMessages``) or
    /// ``inlineDrainBytes`` bytes, it writes them to the socket itself; a smaller burst is
    /// written when the loop's current work is done.
    func send(frame: OutgoingFrame, key: MessageKey?) throws(TransportError) {
        // One relaxed load while no fault is in force (see ``FaultInjector``).
        if faults.isEngaged, try interposeOutgoing(frame, key: key) { return }
        try enqueue(frame: frame, key: key)
    }

    /// Queues `frame` as ``send(frame:key:)`` describes, past the faults.
    func enqueue(frame: OutgoingFrame, key: MessageKey?) throws(TransportError) {
        let inLoop = channel.eventLoop.inEventLoop
        let size = frame.remainingBytes
        let action = try state.withLock { state throws(TransportError) -> DrainAction in
            guard !state.closed else { throw .connectionClosed }
            do throws(TransportError) {
                try state.queue.enqueue(frame, key: key)
            } catch {
                metrics.dropsFull.increment()
                throw error
            }
            state.uncountedFrames += 1
            state.uncountedBytes += size
            if inLoop, state.queue.count >= state.inlineDrainLimit || state.queue.bytes >= Self.inlineDrainBytes {
                state.drainPending = true
                state.inlineDrainLimit = min(2 * state.inlineDrainLimit, Self.inlineDrainMessages)
                return .now
            }
            guard !state.drainPending else { return .none }
            state.drainPending = true
            return .schedule
        }
        switch action {
        case .now: drain()
        case .schedule: scheduleDrain()
        case .none: break
        }
    }

    /// Schedules a drain on the connection's event loop. From another event loop's thread (a
    /// process running there), the hand-off waits until the loop's current work is done: the
    /// sender's whole burst then costs one wake-up of the connection's loop instead of one per
    /// message (the drain stays pending meanwhile, so later sends schedule nothing).
    private func scheduleDrain() {
        let loop = channel.eventLoop
        if let current = MultiThreadedEventLoopGroup.currentEventLoop, current !== loop {
            current.execute { loop.execute { self.drainAfterTurn() } }
        } else {
            loop.execute { self.drainAfterTurn() }
        }
    }

    /// The drain scheduled by ``scheduleDrain()``: the work queued on the loop before it has
    /// run, so the next turn's senders start again with small inline writes.
    private func drainAfterTurn() {
        drain()
        state.withLock { $0.inlineDrainLimit = Self.firstInlineDrainMessages }
    }

    /// What a send does about draining the queue.
    private enum DrainAction {
        /// A drain is already scheduled or waits for writability.
        case none
        /// Schedule one on the event loop.
        case schedule
        /// Drain now (the sender is on the event loop).
        case now
    }

    /// Frames senders on the event loop queue in a turn of the loop before the first time they
    /// write them themselves. Small, so that when many processes each send a few frames in one
    /// turn (16 callers woken by a batch of replies) the peer gets the first of them while the
    /// rest are still being made, and both nodes work at once instead of in alternation.
    static let firstInlineDrainMessages = 8
    /// The most frames a sender on the event loop queues before it writes them itself.
    static let inlineDrainMessages = 256
    /// Bytes a sender on the event loop queues before it writes them itself.
    static let inlineDrainBytes = 64 << 10

    /// The most bytes of a frame handed to the channel at once. A large frame goes in slices,
    /// so that with the write buffer's high water mark they bound the bytes one write to the
    /// socket moves, and so the time the connection holds its event loop before the loop's
    /// other connections get their turn.
    static let writeSliceBytes = 256 << 10

    /// The bytes a connection hands to the socket in a row before it lets its event loop poll
    /// the loop's other connections (see ``ConnectionHandler``).
    static let bytesPerTurn = 1 << 20
    /// How long a connection that used its turn waits: short, since the loop polls its other
    /// connections before any timer fires; it only has to be in the future.
    static let turnPause = TimeAmount.microseconds(20)

    /// Messages replaced by newer ones with the same key on a monotonic channel.
    package var droppedCount: Int { state.withLock { $0.queue.dropped } }

    /// Messages queued and not yet handed to the socket.
    package var queuedMessages: Int { state.withLock { $0.queue.count } }

    /// Frame bytes queued and not yet handed to the socket.
    package var queuedBytes: Int { state.withLock { $0.queue.bytes } }

    /// Whether the connection is still open.
    package var isOpen: Bool { !state.withLock { $0.closed } && channel.isActive }

    /// Completes when the connection has closed.
    package var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    /// Closes the connection; queued messages are dropped. Returns once it is closed.
    package func close() async {
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
    }

    /// Hands queued frames to the channel while it is writable, then flushes once: small
    /// frames copied together into buffers of up to ``batchBytes`` (a channel write per frame
    /// costs more than copying its few bytes), a larger one on its own, in slices of at most
    /// ``writeSliceBytes``. Runs on the event loop; called after a send into an idle queue and
    /// when the channel becomes writable again. Returns how many bytes it handed over, and
    /// whether that emptied the queue.
    @discardableResult
    func drain() -> (bytes: Int, emptied: Bool) {
        channel.eventLoop.preconditionInEventLoop()
        let allocator = channel.allocator
        var bytes = 0
        var emptied = false
        while channel.isWritable {
            let next = state.withLock { state -> OutgoingFrame.Piece? in
                guard !state.queue.isEmpty else {
                    state.drainPending = false
                    return nil
                }
                if state.queue.count > 1, let size = state.queue.firstWholeSize, size <= Self.batchedFrameBytes {
                    var batch = allocator.buffer(capacity: min(state.queue.bytes, Self.batchBytes))
                    state.queue.popSmallFrames(
                        into: &batch, maxFrameBytes: Self.batchedFrameBytes, batchBytes: Self.batchBytes)
                    return OutgoingFrame.Piece(head: batch, tail: [])
                }
                return state.queue.popFirst(maxBytes: Self.writeSliceBytes)
            }
            guard let piece = next else {
                emptied = true
                break
            }
            // A large binary's slice is copied here, outside the lock.
            channel.write(piece.buffer(allocator: allocator), promise: nil)
            bytes += piece.count
        }
        // Not writable: `drainPending` stays set and the writability change resumes the drain.
        if bytes > 0 {
            channel.flush()
            countTraffic()
        }
        return (bytes, emptied)
    }

    /// Tells the channel's metrics what was queued (and replaced) since the previous time.
    private func countTraffic() {
        let (frames, bytes, replaced) = state.withLock { state in
            defer {
                state.uncountedFrames = 0
                state.uncountedBytes = 0
                state.countedReplaced = state.queue.dropped
            }
            return (state.uncountedFrames, state.uncountedBytes, state.queue.dropped - state.countedReplaced)
        }
        if frames > 0 {
            metrics.framesSent.increment(by: Int64(frames))
            metrics.bytesSent.increment(by: Int64(bytes))
        }
        if replaced > 0 { metrics.dropsReplaced.increment(by: Int64(replaced)) }
    }

    /// The largest frame ``drain()`` copies into a batch instead of writing it on its own.
    static let batchedFrameBytes = 2 << 10
    /// The size of a batch of small frames written at once.
    static let batchBytes = 64 << 10

    /// Marks the connection closed and drops what is queued.
    func didClose() {
        state.withLock { state in
            state.closed = true
            state.queue.removeAll()
        }
    }
}
