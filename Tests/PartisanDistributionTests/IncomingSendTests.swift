import PartisanCore
import Testing

@testable import PartisanDistribution

/// The receive side's direct reading of sends agrees with decoding their terms, and leaves
/// every other frame to that decoding.
@Suite struct IncomingSendTests {
    static let peer: Node = "a@127.0.0.1"
    static let local: Node = "b@127.0.0.1"
    static let sender = Pid(node: peer, id: 1, serial: 0, creation: 1)
    static let receiver = Pid(node: local, id: 2, serial: 3, creation: 2)
    static let alias = Alias(pid: receiver, ref: Ref(node: local, creation: 2, words: (1, 2, 3)))

    struct Unregistered: Codable, Sendable {
        var name: String
    }

    static func frame(
        _ message: any Sendable, to target: RemoteSignal.Destination, from sender: Pid = sender, codec: MessageCodec
    ) throws -> [UInt8] {
        try frame(message, .send(target), from: sender, codec: codec)
    }

    static func frame(
        _ message: any Sendable, _ head: ControlMessage.MessageHead, from sender: Pid = sender, codec: MessageCodec
    ) throws -> [UInt8] {
        let encoded = try ControlMessage.encodeMessage(head, from: sender, options: .init()) { writer, tail in
            try codec.encode(message, into: &writer, tail: &tail)
        }
        return encoded.head + encoded.tail
    }

    /// The call's reference: the caller's alias, made on the peer.
    static let callRef = Ref(node: peer, creation: 1, words: (4, 5, 6))

    /// Every kind of frame the reader takes, with the target it must read.
    static let heads: [(ControlMessage.MessageHead, IncomingSend.Target)] = [
        (.send(.pid(receiver)), .pid(receiver)),
        (.send(.name(RegisteredName("counter", on: local)!)), .name("counter")),
        (.send(.alias(alias)), .alias(alias)),
        (.call(.pid(receiver), ref: callRef), .call(.pid(receiver), ref: callRef)),
        (.call(.name("counter"), ref: callRef), .call(.name("counter"), ref: callRef)),
        (.reply(alias), .reply(alias)),
    ]

    static func read(_ frame: [UInt8], codec: MessageCodec) -> IncomingSend? {
        frame.withUnsafeBytes { IncomingSend.read($0, from: peer, to: local, codec: codec) }
    }

    @Test(arguments: [
        42 as any Sendable, -7_000_000_000 as any Sendable, "text" as any Sendable, 2.5 as any Sendable,
        true as any Sendable, Term.tuple([.atom("ok"), 1]) as any Sendable, Unregistered(name: "x") as any Sendable,
        MessageCodecTests.Point(x: 1, y: 2) as any Sendable, [UInt8](repeating: 7, count: 3) as any Sendable,
        [UInt8](repeating: 9, count: MessageCodec.tailThreshold + 1) as any Sendable,
        Term.tuple([.atom("an_envelope_nobody_registered"), 1]) as any Sendable,
        CastRequest(request: 5) as any Sendable,
        CastRequest(request: MessageCodecTests.Point(x: 3, y: 4)) as any Sendable,
        CastRequest(request: Unregistered(name: "y")) as any Sendable,
    ])
    func a_send_reads_as_the_message_its_term_decodes_to(message: any Sendable) throws {
        let codec = MessageCodec()
        codec.register(MessageCodecTests.Point.self)
        let expected = codec.decode(try codec.encode(message))
        for (head, target) in Self.heads {
            let frame = try Self.frame(message, head, codec: codec)
            let read = try #require(Self.read(frame, codec: codec))
            #expect(type(of: read.message) == type(of: expected))
            #expect("\(read.message)" == "\(expected)")
            #expect(read.target == target)
            #expect(read.sender == Self.sender)
            // The generic decoding reads the same frame as the same control message.
            let control = try #require(ControlMessage(term: try ETF.decode(frame)))
            #expect(control.sender == Self.sender)
        }
    }

    /// A payload whose manifest this node does not know arrives as its raw term, with the
    /// manifest reported (a call answers its caller with it).
    @Test func an_unknown_manifest_is_reported() throws {
        let sending = MessageCodec()
        sending.register(MessageCodecTests.Point.self, manifest: "point")
        let frame = try Self.frame(
            MessageCodecTests.Point(x: 1, y: 2), .call(.name("counter"), ref: Self.callRef), codec: sending)
        let read = try #require(Self.read(frame, codec: MessageCodec()))
        #expect(read.undecodedManifest == "point")
        #expect(read.message is Term)
        #expect(Self.read(frame, codec: sending)?.undecodedManifest == nil)
    }

    struct Renamed: Codable, Sendable, Equatable {
        let x: Int
        let y: Int
    }

    /// The codec remembers the last manifest it read; messages of other types in between, and
    /// a new registration under that manifest, are still decoded as their registered types.
    @Test func alternating_types_and_a_new_registration_decode_as_registered() throws {
        let codec = MessageCodec()
        codec.register(MessageCodecTests.Point.self, manifest: "point")
        let point = try Self.frame(MessageCodecTests.Point(x: 1, y: 2), to: .pid(Self.receiver), codec: codec)
        let number = try Self.frame(7, to: .pid(Self.receiver), codec: codec)
        for _ in 0..<2 {
            #expect(Self.read(point, codec: codec)?.message as? MessageCodecTests.Point == .init(x: 1, y: 2))
            #expect(Self.read(number, codec: codec)?.message as? Int == 7)
        }
        #expect(Self.read(point, codec: codec)?.message is MessageCodecTests.Point)
        codec.register(Renamed.self, manifest: "point")
        #expect(Self.read(point, codec: codec)?.message as? Renamed == Renamed(x: 1, y: 2))
    }

    @Test func other_frames_are_left_to_the_term_decoder() throws {
        let codec = MessageCodec()
        let stranger = Pid(node: "c@127.0.0.1", id: 1, serial: 0, creation: 1)
        let refused: [[UInt8]] = [
            try Self.frame(1, to: .pid(stranger), codec: codec),
            try Self.frame(1, to: .pid(Self.receiver), from: stranger, codec: codec),
            try Self.frame(1, to: .pid(Self.receiver), codec: codec) + [0],
            try ETF.encode(
                ControlMessage.monitor(watcher: Self.sender, target: Self.receiver, ref: Self.alias.ref).term),
            try ETF.encode(.tuple([.atom("send"), .pid(Self.receiver), .pid(Self.sender)])),
            [],
        ]
        for frame in refused { #expect(Self.read(frame, codec: codec) == nil) }
    }

    /// Every truncation of a valid send is refused (and read safely).
    @Test func truncated_sends_are_refused() throws {
        let codec = MessageCodec()
        let frame = try Self.frame("some text", to: .alias(Self.alias), codec: codec)
        #expect(Self.read(frame, codec: codec) != nil)
        for count in 0..<frame.count { #expect(Self.read(Array(frame.prefix(count)), codec: codec) == nil) }
    }
}
