import Logging
import Partisan

/// Starts `count` distributed nodes on 127.0.0.1 with ephemeral ports, named
/// `<prefix>n<index>@127.0.0.1` (callers put a serial in `prefix`, so tests running side by
/// side never share a name), logging at the level `PARTISAN_TEST_LOG` names (`warning` by
/// default). Node `index` runs `overlay(index)`; nothing is connected or joined.
public func startNodes(
    _ count: Int, named prefix: String, cookie: Cookie, channels: [ChannelSpec] = ChannelSpec.standard,
    overlay: (Int) -> Overlay = { _ in .fullMesh }, membership: MembershipConfiguration = .init()
) async throws -> [PartisanNode] {
    var nodes: [PartisanNode] = []
    for index in 0..<count {
        nodes.append(
            try await startNode(Node(validating: "\(prefix)n\(index)@127.0.0.1"), cookie: cookie) {
                $0.channels = channels
                $0.overlay = overlay(index)
                $0.membership = membership
            })
    }
    return nodes
}

/// Whether following each node's member list from the first node reaches every node: a
/// message passed along members (a broadcast, a forward) can get everywhere.
public func membersReachEveryNode(_ nodes: [PartisanNode]) -> Bool {
    guard let first = nodes.first else { return true }
    let byName = Dictionary(uniqueKeysWithValues: nodes.map { ($0.name, $0) })
    var reached: Set<Node> = [first.name]
    var frontier = [first.name]
    while let next = frontier.popLast() {
        for peer in byName[next]?.members() ?? [] where reached.insert(peer).inserted { frontier.append(peer) }
    }
    return reached.count == nodes.count
}

/// A process on `from` sends its pid to a fresh process on `to`, which answers
/// `"echo: hello"`; returns the answer, or `nil` after 10 s.
public func echoRoundTrip(from: PartisanNode, to: PartisanNode) async throws -> String? {
    let echo = to.spawn { ctx in
        let sender = try await ctx.receive(Pid.self)
        ctx.send("echo: hello", to: sender)
    }
    return try await from.withProcess { me in
        me.send(me.pid, to: echo)
        return try await me.receive(String.self, timeout: .seconds(10))
    }
}

/// Starts a distributed node `name` proving `cookie`, on 127.0.0.1 with an ephemeral port,
/// logging at the level `PARTISAN_TEST_LOG` names (`warning` by default), with `creation`
/// when given and its distribution settings changed by `change`.
public func startNode(
    _ name: Node, cookie: Cookie, creation: UInt32? = nil,
    _ change: (inout PartisanNode.Configuration.Distribution) throws -> Void = { _ in }
) async throws -> PartisanNode {
    var configuration = PartisanNode.Configuration(name: name, cookie: cookie)
    configuration.creation = creation
    configuration.logging.logger = Logger(label: "partisan.test")
    configuration.logging.logger?.logLevel = TestLogLevel.fromEnvironment
    try change(&configuration.distribution!)
    return try await PartisanNode.start(configuration)
}
