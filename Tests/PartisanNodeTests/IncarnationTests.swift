import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// Two incarnations of one node name (same name, another creation): the one connected first
/// keeps its session, the other is refused with `duplicate_name` until the first is gone, and
/// either is let in again once the other has gone (see ``NetKernel``, "Incarnations").
@Suite struct IncarnationTests {
    static let serial = Atomic<Int>(0)
    static let duplicateName = TransportError.handshake(.refusedByPeer(AdmissionRefusal.duplicateName.wireReason))

    /// `a`, and two incarnations of one name `b`.
    static func nodes() async throws -> (a: PartisanNode, b: PartisanNode, twin: PartisanNode) {
        let id = serial.wrappingAdd(1, ordering: .relaxed).oldValue
        let a = try await PartisanNode.start(name: Node(validating: "inc\(id)-a@127.0.0.1"), cookie: "incarnation")
        let b = try await startNode(Node(validating: "inc\(id)-b@127.0.0.1"), cookie: "incarnation", creation: 1)
        let twin = try await startNode(b.name, cookie: "incarnation", creation: 2)
        return (a, b, twin)
    }

    /// Connects `node` to `target`, trying again while `target` refuses it as a duplicate (it
    /// has not seen the other incarnation's connections close yet).
    static func connect(_ node: PartisanNode, to target: PartisanNode) async throws {
        try await eventually("\(node.name) gets into \(target.name)") {
            do {
                try await node.connect(to: target.listenAddress!)
                return true
            } catch let error as TransportError where error == duplicateName {
                return false
            }
        }
    }

    @Test func a_second_incarnation_is_refused_while_the_first_is_connected() async throws {
        let (a, b, twin) = try await Self.nodes()
        defer {
            Task {
                for node in [a, b, twin] { await node.shutdown() }
            }
        }
        let downs = Mutex<[NodeDownReason]>([])
        a.onDown { _, reason in downs.withLock { $0.append(reason) } }
        try await a.connect(to: b.listenAddress!)
        try await eventually { a.isConnected(b.name) && b.isConnected(a.name) }

        // The twin dials a: a refuses it, and tells it why.
        await #expect(throws: Self.duplicateName) { try await twin.connect(to: a.listenAddress!) }
        // a dials the twin: a refuses it on its own side.
        await #expect(throws: TransportError.handshake(.notAdmitted(b.name, reason: .duplicateName))) {
            try await a.connect(to: twin.listenAddress!)
        }
        // b's session is untouched: same incarnation, no NodeDown, messages flow both ways.
        #expect(a.nodes() == [b.name] && twin.nodes().isEmpty)
        #expect(a.kernel!.sendingConnections(to: b.name).allSatisfy { $0.peerCreation == 1 })
        #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
        #expect(try await echoRoundTrip(from: b, to: a) == "echo: hello")
        #expect(downs.withLock { $0 }.isEmpty)
    }

    /// A join asks again while the contact refuses it as a duplicate: it fails with the refusal
    /// at its timeout, and gets in as soon as the other incarnation is gone.
    @Test func a_join_asks_again_while_refused_as_a_duplicate() async throws {
        let (a, b, _) = try await Self.nodes()
        let hasty = try await startNode(b.name, cookie: "incarnation", creation: 2) {
            $0.membership = MembershipConfiguration(
                reconnectInitialBackoff: .milliseconds(20), joinTimeout: .seconds(1))
        }
        let patient = try await startNode(b.name, cookie: "incarnation", creation: 3) {
            $0.membership = MembershipConfiguration(
                reconnectInitialBackoff: .milliseconds(20), joinTimeout: .seconds(30))
        }
        defer {
            Task {
                for node in [a, b, hasty, patient] { await node.shutdown() }
            }
        }
        try await a.connect(to: b.listenAddress!)
        try await eventually { a.isConnected(b.name) }

        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: Self.duplicateName) { try await hasty.join(a.listenAddress!) }
        #expect(clock.now - start >= .seconds(1))
        #expect(a.kernel!.sendingConnections(to: b.name).allSatisfy { $0.peerCreation == 1 })

        // b goes while a twin is asking: the twin gets in.
        let joining = Task { try await patient.join(a.listenAddress!) }
        await b.shutdown()
        _ = try await joining.value
        try await eventually { a.members().contains(b.name) }
        #expect(a.kernel!.sendingConnections(to: b.name).allSatisfy { $0.peerCreation == 3 })
    }

    /// The lockout of issue 14: once the twin had taken b's place, b was refused for good.
    @Test func an_incarnation_is_let_in_again_once_the_other_is_gone() async throws {
        let (a, b, twin) = try await Self.nodes()
        defer {
            Task {
                for node in [a, b, twin] { await node.shutdown() }
            }
        }
        try await a.connect(to: b.listenAddress!)
        try await eventually { a.isConnected(b.name) }
        a.disconnect(b.name)
        try await eventually { !a.isConnected(b.name) && !b.isConnected(a.name) }

        // b is gone: the twin gets in, and b is now the one refused.
        try await Self.connect(twin, to: a)
        try await eventually { a.isConnected(twin.name) && twin.isConnected(a.name) }
        #expect(a.kernel!.sendingConnections(to: b.name).allSatisfy { $0.peerCreation == 2 })
        await #expect(throws: Self.duplicateName) { try await b.connect(to: a.listenAddress!) }
        #expect(try await echoRoundTrip(from: a, to: twin) == "echo: hello")

        // The twin goes (its connections close): b is let in again, and works.
        await twin.shutdown()
        try await Self.connect(b, to: a)
        try await eventually { a.isConnected(b.name) && b.isConnected(a.name) }
        #expect(a.kernel!.sendingConnections(to: b.name).allSatisfy { $0.peerCreation == 1 })
        #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
        #expect(try await echoRoundTrip(from: b, to: a) == "echo: hello")
    }
}
