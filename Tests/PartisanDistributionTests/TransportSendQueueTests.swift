import NIOCore
import NIOEmbedded
import PartisanCore
import Testing

@testable import PartisanDistribution

@Suite struct TransportSendQueueTests {
    private func frame(_ size: Int) -> OutgoingFrame { OutgoingFrame(head: ByteBuffer(repeating: 0, count: size)) }
    private func frame(_ bytes: [UInt8]) -> OutgoingFrame { OutgoingFrame(head: ByteBuffer(bytes: bytes)) }

    /// The next piece of the queue's first frame, as bytes.
    private func pop(_ queue: inout SendQueue, maxBytes: Int = .max) -> [UInt8]? {
        queue.popFirst(maxBytes: maxBytes).map { Array($0.buffer(allocator: ByteBufferAllocator()).readableBytesView) }
    }

    @Test func a_full_queue_refuses_by_message_count() throws {
        var queue = SendQueue(limits: SendQueueLimits(maxMessages: 2, maxBytes: 1000), monotonic: false)
        try queue.enqueue(frame(10), key: nil)
        try queue.enqueue(frame(10), key: nil)
        #expect(throws: TransportError.queueFull(messages: 2, bytes: 20)) { try queue.enqueue(frame(10), key: nil) }
        #expect(queue.count == 2)
        _ = pop(&queue)
        try queue.enqueue(frame(10), key: nil)
        #expect(queue.count == 2 && queue.bytes == 20)
    }

    @Test func a_full_queue_refuses_by_bytes_but_an_empty_queue_takes_one_large_frame() throws {
        var queue = SendQueue(limits: SendQueueLimits(maxMessages: 100, maxBytes: 50), monotonic: false)
        try queue.enqueue(frame(80), key: nil)
        #expect(throws: TransportError.queueFull(messages: 1, bytes: 80)) { try queue.enqueue(frame(1), key: nil) }
        #expect(pop(&queue)?.count == 80)
        try queue.enqueue(frame(30), key: nil)
        #expect(throws: TransportError.queueFull(messages: 1, bytes: 30)) { try queue.enqueue(frame(21), key: nil) }
    }

    @Test func a_monotonic_queue_keeps_only_the_newest_message_per_key_in_the_oldest_place() throws {
        var queue = SendQueue(limits: SendQueueLimits(maxMessages: 3, maxBytes: 1000), monotonic: true)
        try queue.enqueue(frame([1]), key: MessageKey("a"))
        try queue.enqueue(frame([2]), key: MessageKey("b"))
        try queue.enqueue(frame([3]), key: MessageKey("a"))
        try queue.enqueue(frame([4]), key: nil)
        try queue.enqueue(frame([5]), key: MessageKey("a"))
        #expect(queue.dropped == 2 && queue.count == 3)
        var out: [UInt8] = []
        while let bytes = pop(&queue) { out += bytes }
        #expect(out == [5, 2, 4])
        // Once written, a key queues afresh.
        try queue.enqueue(frame([6]), key: MessageKey("a"))
        try queue.enqueue(frame([7]), key: MessageKey("a"))
        #expect(queue.count == 1 && queue.dropped == 3 && pop(&queue) == [7])
    }

    /// Small whole frames leave the queue together, up to the batch size, and stop at a larger
    /// one; a key whose frame left in a batch queues afresh.
    @Test func small_frames_leave_in_one_batch() throws {
        var queue = SendQueue(limits: SendQueueLimits(), monotonic: true)
        try queue.enqueue(frame([1]), key: MessageKey("a"))
        try queue.enqueue(frame([2, 2]), key: nil)
        try queue.enqueue(frame([3, 3, 3, 3]), key: nil)
        try queue.enqueue(frame([4]), key: nil)
        var batch = ByteBuffer()
        #expect(queue.popSmallFrames(into: &batch, maxFrameBytes: 2, batchBytes: 100) == 3)
        #expect(Array(batch.readableBytesView) == [1, 2, 2] && queue.count == 2 && queue.bytes == 5)
        try queue.enqueue(frame([5]), key: MessageKey("a"))
        #expect(queue.count == 3 && queue.dropped == 0)
        #expect(pop(&queue) == [3, 3, 3, 3])
        batch.clear()
        // The batch stops once it holds `batchBytes`.
        #expect(queue.popSmallFrames(into: &batch, maxFrameBytes: 2, batchBytes: 1) == 1)
        #expect(Array(batch.readableBytesView) == [4] && pop(&queue) == [5] && queue.isEmpty && queue.bytes == 0)
    }

    @Test func a_plain_queue_ignores_keys() throws {
        var queue = SendQueue(limits: SendQueueLimits(), monotonic: false)
        try queue.enqueue(frame([1]), key: MessageKey("a"))
        try queue.enqueue(frame([2]), key: MessageKey("a"))
        #expect(queue.count == 2 && queue.dropped == 0)
    }

    @Test func a_frame_with_a_tail_is_taken_in_pieces_that_add_up_to_it() throws {
        var queue = SendQueue(limits: SendQueueLimits(), monotonic: false)
        let tail = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        try queue.enqueue(OutgoingFrame(head: ByteBuffer(bytes: [1, 2, 3]), tail: tail), key: nil)
        try queue.enqueue(frame([9]), key: nil)
        #expect(queue.bytes == 1004)
        var pieces: [[UInt8]] = []
        while queue.count == 2, let piece = pop(&queue, maxBytes: 300) { pieces.append(piece) }
        #expect(pieces.map(\.count) == [300, 300, 300, 103])
        #expect(Array(pieces.joined()) == [1, 2, 3] + tail)
        #expect(queue.bytes == 1 && pop(&queue) == [9] && queue.isEmpty)
    }

    @Test func a_monotonic_frame_partly_taken_is_no_longer_replaced() throws {
        var queue = SendQueue(limits: SendQueueLimits(), monotonic: true)
        try queue.enqueue(frame([1, 2, 3, 4]), key: MessageKey("a"))
        #expect(pop(&queue, maxBytes: 2) == [1, 2])
        try queue.enqueue(frame([5]), key: MessageKey("a"))
        try queue.enqueue(frame([6]), key: MessageKey("a"))
        #expect(queue.count == 2 && queue.dropped == 1)
        var out: [UInt8] = []
        while let bytes = pop(&queue) { out += bytes }
        #expect(out == [3, 4, 6])
    }

    // MARK: Connection over an embedded channel

    private func connection(
        on channel: EmbeddedChannel, limits: SendQueueLimits = .init(), monotonic: Bool = false
    ) throws -> Connection {
        let info = ConnectionInfo(
            localNode: "a@127.0.0.1", peer: "b@127.0.0.1", peerCreation: 1,
            peerSpec: NodeSpec(node: "b@127.0.0.1", listenAddresses: []),
            channel: ChannelSpec(name: "default", parallelism: 1, monotonic: monotonic), index: 0,
            direction: .outbound, remoteAddress: nil, set: .unnumbered,
            lane: ConnectionLane(loop: 0, ports: []), peerLane: nil)
        return Connection(info: info, channel: channel, encoder: FrameEncoder(maxFrameSize: 4 << 20), limits: limits)
    }

    /// The terms of the frames written to `channel` so far, in order.
    private func writtenTerms(of channel: EmbeddedChannel) throws -> [Term] {
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameSize: 1 << 20)))
        while let bytes = try channel.readOutbound(as: ByteBuffer.self) { try decoder.writeInbound(bytes) }
        var terms: [Term] = []
        while let payload = try decoder.readInbound(as: ByteBuffer.self) { terms.append(try payload.decodeTerm()) }
        return terms
    }

    @Test func a_short_burst_of_sends_is_written_with_one_flush() throws {
        let flushes = FlushCounter()
        let channel = EmbeddedChannel(handler: flushes)
        let connection = try connection(on: channel)
        let burst = Connection.firstInlineDrainMessages - 1
        for i in 0..<burst { try connection.send(Term(integer: i)) }
        #expect(flushes.count == 0)
        channel.embeddedEventLoop.run()
        #expect(flushes.count == 1)
        let terms = try writtenTerms(of: channel)
        #expect(terms == (0..<burst).map { Term(integer: $0) })
    }

    /// A sender on the connection's event loop (an embedded channel's caller always is) cannot
    /// be overlapped by a drain: it writes a long burst itself, a flush per full batch, the
    /// batches doubling from the first inline size to the largest; the next turn of the loop
    /// starts again from the first size.
    @Test func a_sender_on_the_event_loop_writes_long_bursts_itself() throws {
        let flushes = FlushCounter()
        let channel = EmbeddedChannel(handler: flushes)
        let connection = try connection(on: channel)
        var batches: [Int] = []
        var size = Connection.firstInlineDrainMessages
        while batches.count < 6 {
            batches.append(size)
            size = min(2 * size, Connection.inlineDrainMessages)
        }
        #expect(batches.last == Connection.inlineDrainMessages)
        let count = batches.reduce(0, +) + 10
        var sent = 0
        for (number, batch) in batches.enumerated() {
            for _ in 0..<batch {
                #expect(flushes.count == number)
                try connection.send(Term(integer: sent))
                sent += 1
            }
            #expect(flushes.count == number + 1)
        }
        for _ in 0..<10 {
            try connection.send(Term(integer: sent))
            sent += 1
        }
        #expect(flushes.count == batches.count)
        #expect(connection.queuedMessages == 10)
        channel.embeddedEventLoop.run()
        #expect(flushes.count == batches.count + 1)
        #expect(connection.queuedMessages == 0)
        // A new turn: the first batch is small again.
        for _ in 0..<Connection.firstInlineDrainMessages {
            try connection.send(Term(integer: sent))
            sent += 1
        }
        #expect(flushes.count == batches.count + 2)
        #expect(connection.queuedMessages == 0)
        let terms = try writtenTerms(of: channel)
        #expect(terms == (0..<count + Connection.firstInlineDrainMessages).map { Term(integer: $0) })
    }

    @Test func an_unwritable_connection_queues_up_to_its_limit_then_throws_queue_full() throws {
        let channel = EmbeddedChannel()
        channel.isWritable = false
        let connection = try connection(on: channel, limits: SendQueueLimits(maxMessages: 5))
        for i in 0..<5 { try connection.send(Term(integer: i)) }
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(throws: TransportError.queueFull(messages: 5, bytes: 5 * 7)) { try connection.send(5) }
        channel.isWritable = true
        connection.drain()
        #expect(try writtenTerms(of: channel) == (0..<5).map { Term(integer: $0) })
        #expect(connection.queuedMessages == 0)
        try connection.send(6)
    }

    @Test func a_monotonic_connection_counts_replaced_messages_while_backed_up() throws {
        let channel = EmbeddedChannel()
        channel.isWritable = false
        let connection = try connection(on: channel, monotonic: true)
        for i in 0..<10 { try connection.send(Term(integer: i), key: "state") }
        #expect(connection.droppedCount == 9 && connection.queuedMessages == 1)
        channel.isWritable = true
        connection.drain()
        #expect(try writtenTerms(of: channel) == [9])
    }

    /// Small frames are copied into one buffer and written together; a larger one is written
    /// on its own, in its place in the order.
    @Test func small_frames_are_written_in_one_buffer_and_larger_ones_on_their_own() throws {
        let channel = EmbeddedChannel()
        let connection = try connection(on: channel)
        let large = Term.binary([UInt8](repeating: 7, count: Connection.batchedFrameBytes))
        let terms: [Term] = [1, 2, 3, large, 4, 5]
        for term in terms { try connection.send(term) }
        channel.embeddedEventLoop.run()
        var writes: [ByteBuffer] = []
        while let bytes = try channel.readOutbound(as: ByteBuffer.self) { writes.append(bytes) }
        #expect(writes.count == 3)
        for bytes in writes { try channel.writeOutbound(bytes) }
        #expect(try writtenTerms(of: channel) == terms)
    }

    @Test func a_tail_up_to_the_sender_copy_limit_is_copied_into_the_frame_by_the_sender() throws {
        let encoder = FrameEncoder(maxFrameSize: 4 << 20)
        var small = try encoder.frame(
            [1, 2], [UInt8](repeating: 3, count: FrameEncoder.senderCopyLimit), allocator: .init())
        var large = try encoder.frame(
            [1, 2], [UInt8](repeating: 3, count: FrameEncoder.senderCopyLimit + 1), allocator: .init())
        #expect(small.take(upTo: .max).tail.isEmpty)
        #expect(large.take(upTo: .max).tail.count == FrameEncoder.senderCopyLimit + 1)
    }

    /// A large binary is copied from the sender's array by the connection, a slice at a time,
    /// and arrives as the frame it was.
    @Test func a_large_tail_is_written_in_slices_that_make_up_its_frame() throws {
        let channel = EmbeddedChannel()
        let connection = try connection(on: channel)
        let tail = (0..<(FrameEncoder.senderCopyLimit + 5)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let payload = try ETF.encode(.binary(tail))
        let head = Array(payload.prefix(payload.count - tail.count))
        try connection.send(encoded: EncodedMessage(head: head, tail: tail))
        channel.embeddedEventLoop.run()
        var sizes: [Int] = []
        var wire = ByteBuffer()
        while var piece = try channel.readOutbound(as: ByteBuffer.self) {
            sizes.append(piece.readableBytes)
            wire.writeBuffer(&piece)
        }
        let frameBytes = 4 + payload.count
        let slice = Connection.writeSliceBytes
        #expect(sizes.count == (frameBytes + slice - 1) / slice && sizes.allSatisfy { $0 <= slice })
        #expect(wire.readInteger(as: UInt32.self) == UInt32(payload.count))
        #expect(try wire.decodeTerm() == .binary(tail))
    }

    @Test func a_closed_connection_refuses_sends() throws {
        let channel = EmbeddedChannel()
        let connection = try connection(on: channel)
        connection.didClose()
        #expect(throws: TransportError.connectionClosed) { try connection.send(1) }
    }
}

/// Counts flushes passing through the pipeline.
final class FlushCounter: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    private(set) var count = 0
    func flush(context: ChannelHandlerContext) {
        count += 1
        context.flush()
    }
}
