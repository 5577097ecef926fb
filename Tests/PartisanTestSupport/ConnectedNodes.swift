import Logging
import Partisan
import Synchronization

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

private let clusterSerial = Atomic<Int>(0)

/// Starts `count` distributed nodes on 127.0.0.1 with ephemeral ports, connects every pair,
/// and waits until each node sees every other as connected. Names are unique per call
/// (`c<serial>n<index>@127.0.0.1`), so tests running side by side never share one.
public func startConnectedNodes(
    _ count: Int, cookie: Cookie = "test-cookie", channels: [ChannelSpec] = ChannelSpec.standard
) async throws -> [PartisanNode] {
    let serial = clusterSerial.wrappingAdd(1, ordering: .relaxed).oldValue
    let nodes = try await startNodes(count, named: "c\(serial)", cookie: cookie, channels: channels)
    for i in nodes.indices {
        for j in nodes.indices where j > i { try await nodes[i].connect(to: nodes[j].listenAddress!) }
    }
    try await eventually("all nodes connected") {
        nodes.allSatisfy { node in nodes.allSatisfy { $0 === node || node.isConnected($0.name) } }
    }
    return nodes
}

/// Runs `body` with `count` connected nodes (see ``startConnectedNodes(_:cookie:channels:)``)
/// and shuts them all down afterwards, also when `body` throws.
public func withConnectedNodes<T>(
    _ count: Int, channels: [ChannelSpec] = ChannelSpec.standard, _ body: ([PartisanNode]) async throws -> T
) async throws -> T {
    let nodes = try await startConnectedNodes(count, channels: channels)
    do {
        let result = try await body(nodes)
        for node in nodes { await node.shutdown() }
        return result
    } catch {
        for node in nodes { await node.shutdown() }
        throw error
    }
}

/// The log level of test nodes: `PARTISAN_TEST_LOG` (`debug`, `info`, …) or `warning`.
enum TestLogLevel {
    static var fromEnvironment: Logger.Level {
        getenv("PARTISAN_TEST_LOG").flatMap { Logger.Level(rawValue: String(cString: $0)) } ?? .warning
    }
}
