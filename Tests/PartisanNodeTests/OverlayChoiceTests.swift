import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// The overlay is configuration: the same application code — start, join, send to a member's
/// registered process — runs unchanged on the full mesh, HyParView and client-server.
@Suite struct OverlayChoiceTests {
    static let serial = Atomic<Int>(0)

    struct Greeting: Codable, Sendable, Equatable { let text: String }

    /// The application: four nodes join node 0; node 3 greets a process on one of its members.
    static func application(overlay: @escaping (Int) -> Overlay) async throws -> Greeting? {
        let id = serial.wrappingAdd(1, ordering: .relaxed).oldValue
        let nodes = try await startNodes(
            4, named: "choice\(id)", cookie: "choice", overlay: overlay,
            membership: MembershipConfiguration(gossipInterval: .milliseconds(100)))
        do {
            let greeting = try await greet(nodes)
            for node in nodes { await node.shutdown() }
            return greeting
        } catch {
            for node in nodes { await node.shutdown() }
            throw error
        }
    }

    static func greet(_ nodes: [PartisanNode]) async throws -> Greeting? {
        for node in nodes { node.registerMessageType(Greeting.self) }
        for node in nodes.dropFirst() { try await node.join(nodes[0].listenAddress!) }
        let sender = nodes[3]
        try await eventually("node 3 has a member to talk to") {
            sender.members().contains { $0 != sender.name && sender.isConnected($0) }
        }
        let target = try #require(nodes.first { $0 !== sender && sender.members().contains($0.name) })
        let received = Mutex<Greeting?>(nil)
        let inbox = target.spawn { ctx in
            let greeting = try await ctx.receive(Greeting.self)
            received.withLock { $0 = greeting }
        }
        try target.register("inbox", inbox)
        try sender.runtime.send(Greeting(text: "hello"), to: RegisteredName("inbox", on: target.name)!)
        try await eventually("greeting received") { received.withLock { $0 != nil } }
        return received.withLock { $0 }
    }

    @Test func full_mesh() async throws {
        #expect(try await Self.application { _ in .fullMesh } == Greeting(text: "hello"))
    }

    @Test func hyparview() async throws {
        #expect(try await Self.application { .hyParView(seed: UInt64($0)) } == Greeting(text: "hello"))
    }

    @Test func client_server() async throws {
        #expect(
            try await Self.application { $0 == 0 ? .clientServer(.server) : .clientServer(.client) }
                == Greeting(text: "hello"))
    }
}
