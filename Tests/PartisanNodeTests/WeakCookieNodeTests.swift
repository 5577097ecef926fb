import Partisan
import Testing

/// `PartisanNode.start` refuses a weak cookie on a non-loopback address (the transport's
/// check, see `WeakCookieTests`) and accepts any cookie on loopback.
@Suite struct WeakCookieNodeTests {
    @Test func a_node_with_a_weak_cookie_starts_on_loopback_only() async throws {
        await #expect(throws: TransportError.weakCookie(host: "0.0.0.0")) {
            try await PartisanNode.start(name: "weak-a@127.0.0.1", cookie: "partisan", host: "0.0.0.0")
        }
        await #expect(throws: TransportError.weakCookie(host: "0.0.0.0")) {
            try await PartisanNode.start(name: "weak-b@127.0.0.1", cookie: "", host: "0.0.0.0")
        }
        let node = try await PartisanNode.start(name: "weak-c@127.0.0.1", cookie: "partisan", host: "127.0.0.1")
        #expect(node.listenAddress != nil)
        await node.shutdown()
    }
}
