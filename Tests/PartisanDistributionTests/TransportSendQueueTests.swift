import NIOCore
import NIOEmbedded
import PartisanCore
import Testing

@testable import PartisanDistribution

@Suite struct TransportSendQueueTests {
    private func frame(_ size: Int) -> ByteBuffer { ByteBuffer(repeating: 0, count: size) }

    @Test func a_full_queue_refuses_by_message_count() throws {
        var queue = SendQueue(limits: SendQueueLimits(maxMessages: 2, maxBytes: 1000), monotonic: false)
        try queue.enqueue(frame(10), key: nil)
        try queue.enqueue(frame(10), key: nil)
        #expect(throws: TransportError.queueFull(messages: 2, bytes: 20)) { try queue.enqueue(frame(10), key: nil) }
        #expect(queue.count == 2)
        _ = queue.popFirst()
        try queue.enqueue(frame(10), key: nil)
        #expect(queue.count == 2 && queue.bytes == 20)
    }

    @Test func a_full_queue_refuses_by_bytes_but_an_empty_queue_takes_one_large_frame() throws {
        var queue = SendQueue(limits: SendQueueLimits(maxMessages: 100, maxBytes: 50), monotonic: false)
        try queue.enqueue(frame(80), key: nil)
        #expect(throws: TransportError.queueFull(messages: 1, bytes: 80)) { try queue.enqueue(frame(1), key: nil) }
        #expect(queue.popFirst()?.readableBytes == 80)
        try queue.enqueue(frame(30), key: nil)
        #expect(throws: TransportError.queueFull(messages: 1, bytes: 30)) { try queue.enqueue(frame(21), key: nil) }
    }

    @Test func a_monotonic_queue_keeps_only_the_newest_message_per_key_in_the_oldest_place() throws {
        var queue = SendQueue(limits: SendQueueLimits(maxMessages: 3, maxBytes: 1000), monotonic: true)
        try queue.enqueue(ByteBuffer(bytes: [1]), key: MessageKey("a"))
        try queue.enqueue(ByteBuffer(bytes: [2]), key: MessageKey("b"))
        try queue.enqueue(ByteBuffer(bytes: [3]), key: MessageKey("a"))
        try queue.enqueue(ByteBuffer(bytes: [4]), key: nil)
        try queue.enqueue(ByteBuffer(bytes: [5]), key: MessageKey("a"))
        #expect(queue.dropped == 2 && queue.count == 3)
        var out: [UInt8] = []
        while let frame = queue.popFirst() { out += Array(frame.readableBytesView) }
        #expect(out == [5, 2, 4])
        // Once written, a key queues afresh.
        try queue.enqueue(ByteBuffer(bytes: [6]), key: MessageKey("a"))
        try queue.enqueue(ByteBuffer(bytes: [7]), key: MessageKey("a"))
        #expect(queue.count == 1 && queue.dropped == 3 && queue.popFirst() == ByteBuffer(bytes: [7]))
    }

    @Test func a_plain_queue_ignores_keys() throws {
        var queue = SendQueue(limits: SendQueueLimits(), monotonic: false)
        try queue.enqueue(ByteBuffer(bytes: [1]), key: MessageKey("a"))
        try queue.enqueue(ByteBuffer(bytes: [2]), key: MessageKey("a"))
        #expect(queue.count == 2 && queue.dropped == 0)
    }

    // MARK: Connection over an embedded channel

    private func connection(
        on channel: EmbeddedChannel, limits: SendQueueLimits = .init(), monotonic: Bool = false
    ) throws -> Connection {
        let info = ConnectionInfo(
            localNode: "a@127.0.0.1", peer: "b@127.0.0.1", peerCreation: 1,
            peerSpec: NodeSpec(node: "b@127.0.0.1", listenAddresses: []),
            channel: ChannelSpec(name: "default", parallelism: 1, monotonic: monotonic), index: 0,
            direction: .outbound, remoteAddress: nil, set: .unnumbered)
        return Connection(info: info, channel: channel, encoder: FrameEncoder(maxFrameSize: 1 << 20), limits: limits)
    }

    @Test func a_burst_of_sends_is_written_with_one_flush() throws {
        let flushes = FlushCounter()
        let channel = EmbeddedChannel(handler: flushes)
        let connection = try connection(on: channel)
        let burst = Connection.inlineDrainMessages - 1
        for i in 0..<burst { try connection.send(Term(integer: i)) }
        #expect(flushes.count == 0)
        channel.embeddedEventLoop.run()
        #expect(flushes.count == 1)
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameSize: 1 << 20)))
        while let frame = try channel.readOutbound(as: ByteBuffer.self) { try decoder.writeInbound(frame) }
        var terms: [Term] = []
        while let payload = try decoder.readInbound(as: ByteBuffer.self) { terms.append(try payload.decodeTerm()) }
        #expect(terms == (0..<burst).map { Term(integer: $0) })
    }

    /// A sender on the connection's event loop (an embedded channel's caller always is) cannot
    /// be overlapped by a drain: it writes a long burst itself, a flush per full batch.
    @Test func a_sender_on_the_event_loop_writes_long_bursts_itself() throws {
        let flushes = FlushCounter()
        let channel = EmbeddedChannel(handler: flushes)
        let connection = try connection(on: channel)
        let batch = Connection.inlineDrainMessages
        for i in 0..<(2 * batch + 10) { try connection.send(Term(integer: i)) }
        #expect(flushes.count == 2)
        #expect(connection.queuedMessages == 10)
        channel.embeddedEventLoop.run()
        #expect(flushes.count == 3)
        #expect(connection.queuedMessages == 0)
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameSize: 1 << 20)))
        while let frame = try channel.readOutbound(as: ByteBuffer.self) { try decoder.writeInbound(frame) }
        var terms: [Term] = []
        while let payload = try decoder.readInbound(as: ByteBuffer.self) { terms.append(try payload.decodeTerm()) }
        #expect(terms == (0..<(2 * batch + 10)).map { Term(integer: $0) })
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
        var written = 0
        while try channel.readOutbound(as: ByteBuffer.self) != nil { written += 1 }
        #expect(written == 5 && connection.queuedMessages == 0)
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
        let frame = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try frame.getSlice(at: 4, length: frame.readableBytes - 4)!.decodeTerm() == 9)
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
