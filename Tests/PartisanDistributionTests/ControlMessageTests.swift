import PartisanCore
import Testing

@testable import PartisanDistribution

@Suite struct ControlMessageTests {
    static let a = Pid(node: "a@127.0.0.1", id: 1, serial: 0, creation: 1)
    static let b = Pid(node: "b@127.0.0.1", id: 2, serial: 0, creation: 2)
    static let ref = Ref(node: "a@127.0.0.1", creation: 1, words: (1, 2, 3))

    @Test(arguments: [
        ControlMessage.send(to: b, from: a, payload: .tuple([.atom("$term"), 1])),
        .sendName("counter", from: a, payload: 1),
        .sendAlias(Alias(pid: b, ref: ref), from: a, payload: 1),
        .link(from: a, to: b), .unlink(from: a, to: b),
        .exit(from: a, to: b, reason: .shutdown, viaLink: true),
        .exit(from: a, to: b, reason: .crashed(ProcessCrash(typeName: "T", message: "m")), viaLink: false),
        .monitor(watcher: a, target: b, ref: ref), .demonitor(watcher: a, target: b, ref: ref),
        .down(watcher: b, ref: ref, target: a, reason: .noproc),
        .call(to: .pid(b), ref: ref, from: a, payload: 1), .call(to: .name("counter"), ref: ref, from: a, payload: 1),
        .reply(to: Alias(pid: b, ref: ref), from: a, payload: 1),
    ])
    func every_control_message_survives_its_wire_form_and_etf(message: ControlMessage) throws {
        #expect(ControlMessage(term: message.term) == message)
        #expect(ControlMessage(term: try ETF.decode(ETF.encode(message.term))) == message)
        // Written directly, the bytes are those of the term.
        let direct = try message.encoded(options: .init())
        #expect(direct.head + direct.tail == (try ETF.encode(message.term)))
    }

    struct Unregistered: Codable, Sendable, Equatable {
        var name: String
        var sizes: [Int]
    }

    /// The direct writer of sends produces exactly the bytes of the term it stands for, for
    /// every kind of target and payload.
    @Test(arguments: [
        Term.tuple([.atom("ok"), 1]) as any Sendable, 42 as any Sendable, "text" as any Sendable,
        Unregistered(name: "x", sizes: [1, 300, -5]) as any Sendable,
        [UInt8](repeating: 7, count: 10) as any Sendable,
        [UInt8](repeating: 9, count: MessageCodec.tailThreshold + 1) as any Sendable,
    ])
    func a_send_written_directly_has_the_bytes_of_its_term(message: any Sendable) throws {
        let codec = MessageCodec()
        let options = ETF.EncodingOptions()
        let payload = try codec.encode(message)
        let alias = Alias(pid: Self.b, ref: Self.ref)
        let cases: [(ControlMessage.MessageHead, ControlMessage)] = [
            (.send(.pid(Self.b)), .send(to: Self.b, from: Self.a, payload: payload)),
            (
                .send(.name(RegisteredName("counter", on: Self.b.node)!)),
                .sendName("counter", from: Self.a, payload: payload)
            ),
            (.send(.alias(alias)), .sendAlias(alias, from: Self.a, payload: payload)),
            (
                .call(.pid(Self.b), ref: Self.ref),
                .call(to: .pid(Self.b), ref: Self.ref, from: Self.a, payload: payload)
            ),
            (
                .call(.name("counter"), ref: Self.ref),
                .call(to: .name("counter"), ref: Self.ref, from: Self.a, payload: payload)
            ),
            (.reply(alias), .reply(to: alias, from: Self.a, payload: payload)),
        ]
        for (head, control) in cases {
            let direct = try ControlMessage.encodeMessage(head, from: Self.a, options: options) { writer, tail in
                try codec.encode(message, into: &writer, tail: &tail)
            }
            #expect(direct.head + direct.tail == (try ETF.encode(control.term, options: options)))
        }
    }

    /// Signals without a message are read straight from their frames into the message the term
    /// decoder makes; a frame with another shape, or with a pid or reference of a node other
    /// than the one expected, is left to the term decoder.
    @Test func signals_are_read_from_their_frames_as_the_term_decoder_reads_them() throws {
        let (a, b) = (Self.a, Self.b)  // a on the sending node, b on this one
        let watcherRef = Ref(node: a.node, creation: 1, words: (4, 5, 6))  // made by a's node
        let downRef = Ref(node: b.node, creation: 2, words: (7, 8, 9))  // made by b's node
        let signals: [ControlMessage] = [
            .link(from: a, to: b), .unlink(from: a, to: b),
            .exit(from: a, to: b, reason: .shutdown, viaLink: true),
            .exit(from: a, to: b, reason: .crashed(ProcessCrash(typeName: "T", message: "m")), viaLink: false),
            .monitor(watcher: a, target: b, ref: watcherRef), .demonitor(watcher: a, target: b, ref: watcherRef),
            .down(watcher: b, ref: downRef, target: a, reason: .noproc),
        ]
        for signal in signals {
            let bytes = try ETF.encode(signal.term)
            let read = bytes.withUnsafeBytes { ControlMessage.readSignal($0, from: a.node, to: b.node) }
            #expect(read == signal && ControlMessage(term: signal.term) == signal)
            // From another node, or to another, it is not read here.
            #expect(bytes.withUnsafeBytes { ControlMessage.readSignal($0, from: "c@127.0.0.1", to: b.node) } == nil)
            #expect(bytes.withUnsafeBytes { ControlMessage.readSignal($0, from: a.node, to: a.node) } == nil)
        }
        let others: [ControlMessage] = [
            .send(to: b, from: a, payload: 1),
            .monitor(watcher: a, target: b, ref: downRef),  // a reference the watcher's node did not make
            .down(watcher: b, ref: watcherRef, target: a, reason: .normal),
        ]
        for other in others {
            let bytes = try ETF.encode(other.term)
            #expect(bytes.withUnsafeBytes { ControlMessage.readSignal($0, from: a.node, to: b.node) } == nil)
        }
        let bad: [Term] = [
            .tuple([.atom("exit"), .pid(a), .pid(b), .atom("normal"), .atom("maybe")]),
            .tuple([.atom("link"), .pid(a), .pid(b), 1]),
        ]
        for term in bad {
            #expect(
                try ETF.encode(term).withUnsafeBytes { ControlMessage.readSignal($0, from: a.node, to: b.node) } == nil)
        }
    }

    @Test func wire_forms_are_the_documented_tuples() {
        let a = Self.a
        let b = Self.b
        #expect(ControlMessage.link(from: a, to: b).term == .tuple([.atom("link"), .pid(a), .pid(b)]))
        #expect(
            ControlMessage.exit(from: a, to: b, reason: .kill, viaLink: false).term
                == .tuple([.atom("exit"), .pid(a), .pid(b), .atom("kill"), .atom("false")]))
    }

    @Test func the_sender_is_the_pid_on_the_sending_node() {
        #expect(ControlMessage.link(from: Self.a, to: Self.b).sender == Self.a)
        #expect(ControlMessage.down(watcher: Self.b, ref: Self.ref, target: Self.a, reason: .normal).sender == Self.a)
    }

    @Test func malformed_terms_are_not_control_messages() {
        #expect(ControlMessage(term: .atom("send")) == nil)
        #expect(ControlMessage(term: .tuple([.atom("link"), 1, 2])) == nil)
        #expect(ControlMessage(term: .tuple([.atom("nonsense"), .pid(Self.a)])) == nil)
    }
}

@Suite struct MessageCodecTests {
    struct Point: Codable, Sendable, Hashable {
        let x: Int
        let y: Int
    }
    struct Opaque: Sendable {}

    @Test func a_registered_type_comes_back_typed() throws {
        let codec = MessageCodec()
        codec.register(Point.self)
        let payload = try codec.encode(Point(x: 1, y: 2))
        #expect(payload.tupleValue?.first == .string(MessageCodec.defaultManifest(of: Point.self)))
        #expect(codec.decode(payload) as? Point == Point(x: 1, y: 2))
    }

    @Test func an_unknown_manifest_arrives_as_the_raw_value_term() throws {
        let payload = try MessageCodec().encode(Point(x: 1, y: 2))
        #expect(MessageCodec().decode(payload) as? Term == .map([.atom("x"): 1, .atom("y"): 2]))
    }

    @Test func a_custom_manifest_and_common_types() throws {
        let codec = MessageCodec()
        codec.register(Point.self, manifest: "point")
        #expect(try codec.encode(Point(x: 0, y: 0)).tupleValue?.first == .string("point"))
        #expect(codec.decode(try codec.encode("text")) as? String == "text")
        #expect(codec.decode(try codec.encode(42)) as? Int == 42)
        #expect(codec.decode(try codec.encode(Term.atom("raw"))) as? Term == .atom("raw"))
    }

    @Test func a_value_that_is_not_encodable_has_no_wire_form() {
        #expect(throws: MessageCodecError.self) { try MessageCodec().encode(Opaque()) }
    }
}
