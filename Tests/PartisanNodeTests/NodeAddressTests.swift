import Partisan
import PartisanTestSupport
import Testing

/// Where a node listens and what it announces: IPv6, wildcards, host names in node names, and
/// addresses that do not resolve.
@Suite struct NodeAddressTests {
    static let cookie: Cookie = "a secret for addresses"

    @Test func nodes_named_and_listening_on_ipv6_talk_both_ways() async throws {
        let a = try await startNode("v6-a@::1", cookie: Self.cookie) { $0.listenHost = "::1" }
        let b = try await startNode("v6-b@::1", cookie: Self.cookie) { $0.listenHost = "[::1]" }
        defer {
            Task {
                await a.shutdown()
                await b.shutdown()
            }
        }
        let address = try #require(a.listenAddress)
        #expect(address.host == "::1")
        #expect(address.description == "[::1]:\(address.port)")
        try await b.join(address)
        try await eventually { a.isFullyConnected(b.name) && b.isFullyConnected(a.name) }
        #expect(try await echoRoundTrip(from: a, to: b) == "echo: hello")
        #expect(try await echoRoundTrip(from: b, to: a) == "echo: hello")
        // A pid of an IPv6 node prints with its host in brackets and parses back.
        let pid = a.spawn { _ in }
        #expect(pid.description.hasPrefix("partisan:pid:v6-a@[::1]:"))
        #expect(try Pid(parsing: pid.description) == pid)
    }

    @Test(arguments: [("wild4@127.0.0.1", "0.0.0.0"), ("wild6@::1", "::")])
    func a_node_on_a_wildcard_without_an_advertised_host_announces_its_names_host(name: String, wildcard: String)
        async throws
    {
        let node = try await startNode(try Node(validating: name), cookie: Self.cookie) {
            $0.listenHost = wildcard
        }
        let peer = try await startNode(
            try Node(validating: "peer-of-\(node.name.shortName)@127.0.0.1"), cookie: Self.cookie)
        defer {
            Task {
                await peer.shutdown()
                await node.shutdown()
            }
        }
        let address = try #require(node.listenAddress)
        #expect(address.host == String(node.name.host))
        // The peer dials the announced address back and gossip carries it.
        try await peer.join(address)
        try await eventually { node.isFullyConnected(peer.name) && peer.isFullyConnected(node.name) }
        let membership = try #require(peer.membership)
        try await eventually { membership.members().contains { $0.node == node.name } }
        #expect(membership.members().first { $0.node == node.name }?.listenAddresses == [address])
        #expect(try await echoRoundTrip(from: peer, to: node) == "echo: hello")
    }

    @Test func a_host_name_in_a_node_name_is_where_peers_reach_it() async throws {
        let named = try await startNode("hosted@localhost", cookie: Self.cookie) { $0.listenHost = "0.0.0.0" }
        let peer = try await startNode("hosted-peer@127.0.0.1", cookie: Self.cookie)
        defer {
            Task {
                await peer.shutdown()
                await named.shutdown()
            }
        }
        let address = try #require(named.listenAddress)
        #expect(address.host == "localhost")
        try await peer.join(address)
        try await eventually { named.isFullyConnected(peer.name) && peer.isFullyConnected(named.name) }
        #expect(try await echoRoundTrip(from: named, to: peer) == "echo: hello")
    }

    @Test func dialling_a_host_name_that_does_not_resolve_is_a_clear_error() async throws {
        let node = try await startNode("unresolved@127.0.0.1", cookie: Self.cookie)
        defer { Task { await node.shutdown() } }
        // `.invalid` never resolves (RFC 2606).
        await #expect(throws: TransportError.unresolvedHost("no-such-node.invalid")) {
            try await node.connect(to: ListenAddress(host: "no-such-node.invalid", port: 4369))
        }
        #expect(
            TransportError.unresolvedHost("x.invalid").description == "cannot resolve host x.invalid: it has no address"
        )
        // The node keeps serving.
        let other = try await startNode("resolved@127.0.0.1", cookie: Self.cookie)
        defer { Task { await other.shutdown() } }
        try await node.join(try #require(other.listenAddress))
        #expect(try await echoRoundTrip(from: node, to: other) == "echo: hello")
    }
}
