import Partisan
import PartisanTestSupport
import Testing

/// `PartisanNode.Configuration`: the one settings tree `PartisanNode.start(_:)` takes.
@Suite struct NodeConfigurationTests {
    @Test func a_configuration_without_distribution_starts_a_node_without_networking() async throws {
        var configuration = PartisanNode.Configuration(name: "cfg-local@127.0.0.1")
        configuration.creation = 7
        configuration.rpc.maxConcurrentCalls = 3
        configuration.logging.crashReports = false
        let node = try await PartisanNode.start(configuration)
        defer { Task { await node.shutdown() } }
        #expect(node.kernel == nil)
        #expect(node.listenAddress == nil)
        #expect(node.runtime.creation == 7)
        #expect(node.rpcService.maxConcurrentCalls == 3)
        #expect(node.runtime.crashReports == false)
        await #expect(throws: PartisanNodeError.notDistributed) {
            try await node.connect(to: ListenAddress(host: "127.0.0.1", port: 1))
        }
    }

    @Test func a_node_listening_on_every_interface_announces_its_advertised_host() async throws {
        var configuration = PartisanNode.Configuration(
            name: "cfg-wide@127.0.0.1", cookie: "a secret for every interface")
        configuration.distribution?.listenHost = "0.0.0.0"
        configuration.distribution?.advertisedHost = "127.0.0.1"
        configuration.distribution?.membership.gossipInterval = .milliseconds(200)
        let wide = try await PartisanNode.start(configuration)
        let peer = try await startNode("cfg-peer@127.0.0.1", cookie: "a secret for every interface") {
            $0.membership.gossipInterval = .milliseconds(200)
        }
        defer {
            Task {
                await peer.shutdown()
                await wide.shutdown()
            }
        }
        let address = try #require(wide.listenAddress)
        #expect(address.host == "127.0.0.1")
        #expect(address.port != 0)
        try await peer.join(address)
        // What the peer learnt from the handshake and the gossip: the advertised host, never 0.0.0.0.
        let membership = try #require(peer.membership)
        try await eventually { membership.members().contains { $0.node == wide.name } }
        let announced = membership.members().first { $0.node == wide.name }?.listenAddresses
        #expect(announced == [address])
        // Dial-back and messages both ways.
        try await eventually { wide.isFullyConnected(peer.name) && peer.isFullyConnected(wide.name) }
        let echoed = try await wide.withProcess { me in
            try await peer.withProcess { other in other.send("hello", to: me.pid) }
            return try await me.receive(String.self, timeout: .seconds(10))
        }
        #expect(echoed == "hello")
    }

    @Test func a_weak_cookie_is_refused_on_every_interface_even_with_an_advertised_loopback_host() async throws {
        var configuration = PartisanNode.Configuration(name: "cfg-weak@127.0.0.1", cookie: .wellKnown[0])
        configuration.distribution?.listenHost = "0.0.0.0"
        configuration.distribution?.advertisedHost = "127.0.0.1"
        await #expect(throws: TransportError.weakCookie(host: "0.0.0.0")) {
            try await PartisanNode.start(configuration)
        }
    }
}
