import PartisanCore
import PartisanDistribution
import Testing

/// A weak cookie (empty or well known) is fine on loopback and refused anywhere else, before
/// anything is bound.
@Suite struct WeakCookieTests {
    final class Silent: TransportDelegate {}

    @Test(arguments: [
        ("127.0.0.1", true), ("127.255.0.9", true), ("::1", true), ("[::1]", true), ("0:0:0:0:0:0:0:1", true),
        ("::ffff:127.0.0.1", true), ("localhost", true), ("LocalHost.", true),
        ("0.0.0.0", false), ("::", false), ("10.0.0.5", false), ("128.0.0.1", false), ("::2", false),
        ("::ffff:10.0.0.1", false), ("example.com", false), ("localhost.example.com", false), ("", false),
    ])
    func loopback_hosts_are_127_slash_8_ipv6_loopback_and_localhost(host: String, loopback: Bool) {
        #expect(ListenAddress(host: host, port: 0).isLoopback == loopback)
    }

    @Test func the_empty_cookie_and_the_well_known_ones_are_weak() {
        #expect(Cookie("").isWeak && Cookie(bytes: []).isWeak && Cookie("partisan").isWeak)
        #expect(Cookie.wellKnown.allSatisfy { $0.isWeak })
        #expect(!Cookie("partisan ").isWeak && !Cookie("a secret").isWeak)
    }

    @Test(arguments: [Cookie(""), Cookie("partisan")])
    func a_weak_cookie_is_refused_on_a_non_loopback_address(cookie: Cookie) async throws {
        await #expect(throws: TransportError.weakCookie(host: "0.0.0.0")) {
            try await TransportEndpoint.start(
                node: "weak@127.0.0.1", creation: 1, host: "0.0.0.0", port: 0,
                configuration: TransportConfiguration(cookie: cookie), delegate: Silent())
        }
    }

    @Test(arguments: [Cookie(""), Cookie("partisan")])
    func a_weak_cookie_works_on_loopback(cookie: Cookie) async throws {
        let endpoint = try await TransportEndpoint.start(
            node: "weak@127.0.0.1", creation: 1, host: "127.0.0.1", port: 0,
            configuration: TransportConfiguration(cookie: cookie), delegate: Silent())
        #expect(endpoint.listenAddress.port != 0)
        await endpoint.shutdown()
    }

    @Test func the_error_says_what_to_do_without_the_cookie() {
        let text = TransportError.weakCookie(host: "0.0.0.0").description
        #expect(text.contains("0.0.0.0") && text.contains("not a loopback address") && text.contains("secret cookie"))
    }
}
