import NIOCore
import NIOEmbedded
import PartisanCore
import Testing

@testable import PartisanDistribution

@Suite struct FrameDecoderTests {
    private func channel(maxFrameSize: Int = 1024) -> EmbeddedChannel {
        EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameSize: maxFrameSize)))
    }

    private func readAll(_ channel: EmbeddedChannel) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while let frame = try channel.readInbound(as: ByteBuffer.self) { frames.append(Array(frame.readableBytesView)) }
        return frames
    }

    @Test func a_frame_split_into_single_bytes_is_reassembled() throws {
        let channel = channel()
        let bytes = framed([1, 2, 3, 4, 5])
        for byte in bytes.readableBytesView {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(try readAll(channel) == [[1, 2, 3, 4, 5]])
        #expect(try channel.finish().isClean)
    }

    @Test func coalesced_frames_come_out_one_by_one_in_order() throws {
        let channel = channel()
        var buffer = framed([1])
        var second = framed([])
        var third = framed([7, 8, 9])
        buffer.writeBuffer(&second)
        buffer.writeBuffer(&third)
        try channel.writeInbound(buffer)
        #expect(try readAll(channel) == [[1], [], [7, 8, 9]])
    }

    @Test func a_frame_and_a_half_waits_for_the_rest() throws {
        let channel = channel()
        var buffer = framed([1, 2])
        buffer.writeBytes([0, 0, 0, 3, 10])
        try channel.writeInbound(buffer)
        #expect(try readAll(channel) == [[1, 2]])
        try channel.writeInbound(ByteBuffer(bytes: [11, 12]))
        #expect(try readAll(channel) == [[10, 11, 12]])
    }

    @Test func a_declared_length_above_the_maximum_fails_before_the_payload_arrives() throws {
        let channel = channel(maxFrameSize: 1024)
        #expect(throws: TransportError.frameTooLarge(size: Int(UInt32.max), limit: 1024)) {
            try channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF]))
        }
        #expect(try readAll(channel).isEmpty)
    }

    @Test func a_frame_exactly_at_the_maximum_is_accepted() throws {
        let channel = channel(maxFrameSize: 8)
        try channel.writeInbound(framed(Array(repeating: 1, count: 8)))
        #expect(try readAll(channel) == [Array(repeating: 1, count: 8)])
    }

    @Test func garbage_is_either_a_refused_length_or_payloads_the_term_decoder_rejects() throws {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            let channel = channel(maxFrameSize: 64)
            let garbage = (0..<256).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do {
                try channel.writeInbound(ByteBuffer(bytes: garbage))
                for frame in try readAll(channel) {
                    #expect(throws: ETFError.self) { _ = try ETF.decode(frame) }
                }
            } catch let error as TransportError {
                guard case .frameTooLarge = error else { throw error }
            }
        }
    }

    @Test func the_encoder_writes_a_big_endian_length_then_the_etf_term() throws {
        let encoder = FrameEncoder(maxFrameSize: 1024)
        let term: Term = .tuple([.atom("hello"), 1])
        let frame = try encoder.encode(term)
        let payload = try ETF.encode(term)
        #expect(Array(frame.readableBytesView) == [0, 0, 0, UInt8(payload.count)] + payload)
        let channel = channel()
        try channel.writeInbound(frame)
        #expect(try readAll(channel).map { try ETF.decode($0) } == [term])
    }

    @Test func the_encoder_refuses_a_term_larger_than_the_maximum() throws {
        let encoder = FrameEncoder(maxFrameSize: 100)
        #expect(throws: TransportError.frameTooLarge(size: 106, limit: 100)) {
            _ = try encoder.encode(.binary(Array(repeating: 0, count: 100)))
        }
    }
}

/// A small deterministic generator (SplitMix64) so garbage tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
