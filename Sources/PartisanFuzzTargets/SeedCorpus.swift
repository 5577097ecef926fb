import Logging
import NIOCore
import NIOEmbedded
import PartisanCore
import PartisanDistribution

/// The inputs each fuzz target starts from: small real frames, made by the code that makes
/// them on the wire (terms of every ETF tag, process messages between two nodes, the frames
/// of a real handshake), so the fuzzer mutates well-formed input from its first run.
public enum SeedCorpus {
    /// The seeds of `target`, each with a file name.
    public static func seeds(for target: FuzzTarget) -> [(name: String, bytes: [UInt8])] {
        switch target {
        case .etf: etfSeeds()
        case .incoming: incomingSeeds()
        case .handshake: handshakeSeeds()
        }
    }

    // MARK: ETF

    static let node: Node = "a@127.0.0.1"

    /// One term of each kind the encoder writes, then the older forms only other nodes write.
    static func etfSeeds() -> [(name: String, bytes: [UInt8])] {
        let pid = Pid(node: node, id: 85, serial: 2, creation: 3)
        let ref = Ref(node: node, creation: 3, words: (1, 2, 3))
        let terms: [(String, Term)] = [
            ("small-integer", 7), ("integer", -70_000), ("small-big", .integer(.max)),
            (
                "small-big-negative",
                Term(integer: BigInteger(isNegative: true, magnitude: [1, 2, 3, 4, 5, 6, 7, 8, 9]))
            ),
            (
                "large-big",
                Term(integer: BigInteger(isNegative: false, magnitude: [UInt8](repeating: 0xA5, count: 300)))
            ),
            ("float", 1.5), ("atom-latin1", "ok"), ("atom-utf8", "日本"), ("atom-quoted", "EXIT"),
            ("binary", .string("héllo")), ("binary-bytes", .binary([0, 1, 255])), ("nil", []),
            ("string", .charlist("abc")), ("list", [256, "a", .tuple([])]),
            ("improper-list", .improperList([1, 2], tail: "t")), ("small-tuple", .tuple(["ok", 1])),
            ("large-tuple", .tuple((0..<300).map { .integer(Int64($0)) })),
            ("map", ["a": 1, 1.5: "b", .tuple(["t"]): ["x"], ["k": 1]: ["v": .binary([])]]),
            ("pid", .pid(pid)), ("ref", .ref(ref)),
            ("nested", .tuple(["reply", .map(["ok": [.pid(pid), .ref(ref)]]), [.charlist("x"), 3.25]])),
        ]
        var seeds = terms.map { (name: $0.0, bytes: (try? ETF.encode($0.1)) ?? []) }
        let name = [UInt8]("a@127.0.0.1".utf8)
        let atomExt: [UInt8] = [100, 0, UInt8(name.count)] + name
        let raw: [(String, [UInt8])] = [
            ("float-ext", [99] + Array("1.50000000000000000000e+00".utf8) + [UInt8](repeating: 0, count: 5)),
            ("pid-ext", [103] + atomExt + [0, 0, 0, 85, 0, 0, 0, 2, 3]),
            ("new-reference-ext", [114, 0, 2] + atomExt + [3, 0, 0, 0, 1, 0, 0, 0, 2]),
            ("reference-ext", [101] + atomExt + [0, 0, 0, 1, 3]),
            ("small-atom-ext", [115, 2, 111, 107]), ("atom-utf8-ext", [118, 0, 2, 111, 107]),
            ("list-tail-chain", [108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 1, 97, 2, 107, 0, 1, 3]),
            ("list-empty-with-tail", [108, 0, 0, 0, 0, 97, 5]),
            ("map-key-in-key", [116, 0, 0, 0, 1, 116, 0, 0, 0, 1, 97, 1, 97, 2, 97, 3]),
            ("fun-unsupported", [112, 0, 0, 0, 0]), ("compressed-unsupported", [80, 0, 0, 0, 1, 120]),
        ]
        seeds += raw.map { (name: $0.0, bytes: [ETF.version] + $0.1) }
        return seeds
    }

    // MARK: Incoming messages

    /// Process messages from ``IncomingMessageFuzzTarget/peer`` to
    /// ``IncomingMessageFuzzTarget/local``, with payloads of every kind the codec writes.
    static func incomingSeeds() -> [(name: String, bytes: [UInt8])] {
        let local = IncomingMessageFuzzTarget.local
        let peer = IncomingMessageFuzzTarget.peer
        let codec = IncomingMessageFuzzTarget.codec
        let to = Pid(node: local, id: 40, serial: 0, creation: 1)
        let from = Pid(node: peer, id: 41, serial: 0, creation: 2)
        let alias = Alias(pid: to, ref: Ref(node: local, creation: 1, words: (7, 8, 9)))
        let callRef = Ref(node: peer, creation: 2, words: (3, 4, 5))
        let unknown: Term = .tuple([.string("Unknown.Type"), .map(["x": 1])])
        let probe = ETFFuzzTarget.Probe(
            name: "n", count: 3, ratio: 0.5, flags: [true], tags: ["a": 1], command: .rename(from: "x", to: "y"),
            bytes: [1, 2], owner: from)
        let payloads: [(String, any Sendable)] = [
            ("term", Term.tuple(["ok", 1])), ("string", "hello"), ("int", 42), ("double", 2.5), ("bool", true),
            ("strings", ["a", "b"]), ("ints", [1, 2]), ("pid", from), ("probe", probe),
            ("command", ETFFuzzTarget.Probe.Command.add(2)), ("bytes", [UInt8](repeating: 9, count: 2000)),
            ("cast", CastRequest(request: probe)),
        ]
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (name, message) in payloads {
            guard let payload = try? codec.encode(message) else { continue }
            seeds.append(("send-\(name)", frame(.send(to: to, from: from, payload: payload))))
            seeds.append(("send-alias-\(name)", frame(.sendAlias(alias, from: from, payload: payload))))
            seeds.append(("call-\(name)", frame(.call(to: .pid(to), ref: callRef, from: from, payload: payload))))
            seeds.append(("reply-\(name)", frame(.reply(to: alias, from: from, payload: payload))))
        }
        seeds.append(("call-name", frame(.call(to: .name("logger"), ref: callRef, from: from, payload: unknown))))
        seeds.append(("send-unknown-manifest", frame(.send(to: to, from: from, payload: unknown))))
        seeds.append(("send-name", frame(.sendName("logger", from: from, payload: .tuple([.atom("$term"), 1])))))
        seeds.append(("link", frame(.link(from: from, to: to))))
        seeds.append(("exit", frame(.exit(from: from, to: to, reason: .killed, viaLink: false))))
        seeds.append(("monitor", frame(.monitor(watcher: from, target: to, ref: alias.ref))))
        seeds.append(("down", frame(.down(watcher: from, ref: alias.ref, target: to, reason: .noproc))))
        // Signals as a peer sends them (references made where the signal reader expects them).
        seeds.append(("unlink", frame(.unlink(from: from, to: to))))
        seeds.append(("monitor-from-peer", frame(.monitor(watcher: from, target: to, ref: callRef))))
        seeds.append(("demonitor-from-peer", frame(.demonitor(watcher: from, target: to, ref: callRef))))
        seeds.append(
            ("down-from-peer", frame(.down(watcher: to, ref: alias.ref, target: from, reason: .killed))))
        seeds.append(
            (
                "exit-crash",
                frame(
                    .exit(
                        from: from, to: to, reason: .crashed(ProcessCrash(typeName: "T", message: "m")), viaLink: true))
            ))
        let stranger = Pid(node: "c@127.0.0.1", id: 1, serial: 0, creation: 1)
        seeds.append(
            ("send-from-stranger", frame(.send(to: to, from: stranger, payload: .tuple([.atom("$term"), 1])))))
        return seeds
    }

    private static func frame(_ message: ControlMessage) -> [UInt8] {
        (try? ETF.encode(message.term)) ?? []
    }

    // MARK: Handshake

    /// The bytes each side of a real handshake received (with the right cookie, then a wrong
    /// one), as inputs of the other side's role, whole and byte by byte.
    static func handshakeSeeds() -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (label, cookie) in [("", HandshakeFuzzTarget.cookie), ("-wrong-cookie", "another-cookie")] {
            let (toAcceptor, toDialler) = exchange(diallerCookie: cookie)
            for (pieces, settings) in [("whole", UInt8(16)), ("bytewise", 0)] {
                seeds.append(("acceptor-\(pieces)\(label)", [settings] + toAcceptor))
                seeds.append(("dialler-\(pieces)\(label)", [settings | 1] + toDialler))
            }
        }
        // A frame at the limit whose term is as large as a frame's can be (one term per
        // byte), and a frame at the limit that never completes.
        let limit = HandshakeFuzzTarget.handshakeFrameSize
        let count = limit - 7
        let nils: [UInt8] = [ETF.version, 108] + bigEndian(UInt32(count)) + [UInt8](repeating: 106, count: count + 1)
        seeds.append(("acceptor-frame-of-nils", [16] + bigEndian(UInt32(limit)) + nils))
        seeds.append(
            ("acceptor-partial-frame", [10] + bigEndian(UInt32(limit)) + [UInt8](repeating: 0, count: limit - 1)))
        return seeds
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    /// Runs a dialler (``HandshakeFuzzTarget/peer``, with `diallerCookie`) against an acceptor
    /// (``HandshakeFuzzTarget/local``) over two embedded channels and returns the bytes each
    /// received.
    static func exchange(diallerCookie: Cookie) -> (toAcceptor: [UInt8], toDialler: [UInt8]) {
        let acceptor = EmbeddedChannel()
        let dialler = EmbeddedChannel()
        let address = try! SocketAddress(ipAddress: "127.0.0.1", port: 4370)
        let delegate = HandshakeFuzzTarget.Observer()
        for (channel, node, cookie, role) in [
            (acceptor, HandshakeFuzzTarget.local, HandshakeFuzzTarget.cookie, ConnectionPipeline.Role.acceptor),
            (
                dialler, HandshakeFuzzTarget.peer, diallerCookie,
                .dialler(channel: .default, index: 0, expected: HandshakeFuzzTarget.local)
            ),
        ] {
            let spec = NodeSpec(node: node, listenAddresses: [ListenAddress(host: "127.0.0.1", port: 4370)])
            try? ConnectionPipeline.install(
                on: channel, spec: spec, creation: 1,
                configuration: TransportConfiguration(
                    cookie: cookie, logger: .init(label: "seed") { _ in SwiftLogNoOpLogHandler() }),
                delegate: delegate, role: role)
            channel.connect(to: address, promise: nil)
        }
        var toAcceptor: [UInt8] = []
        var toDialler: [UInt8] = []
        var moved = true
        while moved {
            moved = false
            while let bytes = try? dialler.readOutbound(as: ByteBuffer.self) {
                toAcceptor += bytes.readableBytesView
                _ = try? acceptor.writeInbound(bytes)
                moved = true
            }
            while let bytes = try? acceptor.readOutbound(as: ByteBuffer.self) {
                toDialler += bytes.readableBytesView
                _ = try? dialler.writeInbound(bytes)
                moved = true
            }
        }
        _ = try? acceptor.finish(acceptAlreadyClosed: true)
        _ = try? dialler.finish(acceptAlreadyClosed: true)
        return (toAcceptor, toDialler)
    }
}
