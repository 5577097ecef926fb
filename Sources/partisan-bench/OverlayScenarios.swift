import Logging
import Partisan
import PartisanSimulation

#if canImport(Glibc)
    import Glibc
#endif

/// What the overlay scenarios are given: `--nodes`, `--overlay`, `--transport`, `--seed`.
struct OverlaySettings: Sendable {
    var nodes = 64
    var overlay = "hyparview"
    var transport = "memory"
    /// Over TCP: which connections a pair of nodes sends on.
    var sharing = SharingChoice.shared
    /// Over TCP: Partisan's periods are divided by this.
    var speedUp = 5
    var seed: UInt64 = 1
    var graphOut: String?
    /// `broadcast-after-failures`: `plumtree` or `flood`.
    var broadcast = "plumtree"
    /// `broadcast-after-failures --broadcast plumtree`: Plumtree's lazy tick (Partisan's 1 s).
    var lazyTick: Duration = .seconds(1)
}

/// The overlay scenarios (the HyParView paper's experiment on this machine): N nodes join
/// through one contact and the overlay converges, in the in-memory simulator (simulated time,
/// Partisan's default periods) or as real nodes over TCP on 127.0.0.1 in this process (wall
/// time, Partisan's periods divided by `--speed-up`, 5 by default: tick 200 ms, promotion 1 s,
/// shuffle 2 s).
///
/// Converged: for HyParView, the active views form a connected graph, every link is
/// symmetric, and every view holds at least `activeMaxSize - 1` peers (all full is not always
/// reachable: two nodes one short can be neighbours already); for the full mesh, every node
/// lists every node; for client-server (one server per 16 nodes), servers list everyone and
/// clients the servers.
enum OverlayScenarios {
    static let all: [Scenario] = [
        Scenario(name: "overlay-converge", run: converge),
        Scenario(name: "overlay-cost", run: cost),
        Scenario(name: "broadcast-after-failures", run: OverlayFailureScenarios.broadcastAfterFailures),
        Scenario(name: "replicated-map-tcp", run: BroadcastScenarios.replicatedMapOverTCP),
    ]

    /// The TCP runs' timings: Partisan's periods (tick 1 s, promotion 5 s, shuffle 10 s)
    /// divided by `speedUp`; failure detection after 5 s and joins within 30 s either way.
    static func tcpTimings(speedUp: Int) -> MembershipConfiguration {
        MembershipConfiguration(
            gossipInterval: .seconds(1) / speedUp, suspectAfter: .seconds(5),
            reconnectInitialBackoff: .milliseconds(100), reconnectMaxBackoff: .seconds(2), joinTimeout: .seconds(30))
    }

    static func tcpHyParView(speedUp: Int) -> HyParViewConfiguration {
        HyParViewConfiguration(shuffleInterval: .seconds(10) / speedUp, randomPromotionInterval: .seconds(5) / speedUp)
    }

    static func overlay(_ settings: OverlaySettings, index: Int, tcp: Bool) throws -> Overlay {
        switch settings.overlay {
        case "hyparview":
            return .hyParView(
                tcp ? tcpHyParView(speedUp: settings.speedUp) : .init(), seed: settings.seed &+ UInt64(index))
        case "fullmesh":
            return .fullMesh
        case "client-server":
            return .clientServer(index < serverCount(settings.nodes) ? .server : .client)
        default:
            throw OverlayBenchError("overlay \(settings.overlay) is not one of hyparview, fullmesh, client-server")
        }
    }

    static func serverCount(_ nodes: Int) -> Int { max(1, nodes / 16) }

    /// Whether the overlay of `count` nodes whose member lists are `members` has converged;
    /// with `minimumOnly`, for HyParView, whether every view has reached `activeMinSize`.
    static func converged(_ settings: OverlaySettings, minimumOnly: Bool = false, members: (Int) -> [Int]) -> Bool {
        let count = settings.nodes
        switch settings.overlay {
        case "hyparview":
            let configuration = HyParViewConfiguration()
            let full = min(configuration.activeMaxSize, count - 1)
            let least = minimumOnly ? min(configuration.activeMinSize, full) : max(1, full - 1)
            let graph = OverlayGraph(adjacency: Dictionary(uniqueKeysWithValues: (0..<count).map { ($0, members($0)) }))
            return graph.degreeRange.lowerBound >= least && graph.isSymmetric && graph.isConnected
        case "client-server":
            let servers = serverCount(count)
            return (0..<count).allSatisfy { members($0).count == ($0 < servers ? count - 1 : servers) }
        default:
            return (0..<count).allSatisfy { members($0).count == count - 1 }
        }
    }

    static func converge(_ settings: BenchSettings) async throws -> BenchResult {
        let run = try await settings.overlay.transport == "tcp" ? overTCP(settings.overlay) : inMemory(settings.overlay)
        return run.result(scenario: "overlay-converge", settings: settings.overlay, value: run.seconds, unit: "s")
    }

    static func cost(_ settings: BenchSettings) async throws -> BenchResult {
        let run = try await settings.overlay.transport == "tcp" ? overTCP(settings.overlay) : inMemory(settings.overlay)
        return run.result(
            scenario: "overlay-cost", settings: settings.overlay, value: run.connectionsPerNode,
            unit: "connections/node")
    }

    /// What one convergence run measured.
    struct Run {
        var seconds: Double
        var wallSeconds: Double
        var messages: Double?
        var connectionsPerNode: Double
        var bytesPerNode: Double
        var diameter: Int?
        var details: [(String, BenchResult.Detail)] = []

        func result(scenario: String, settings: OverlaySettings, value: Double, unit: String) -> BenchResult {
            var result = BenchResult(scenario: scenario, value: value, unit: unit)
            result.details = [
                ("nodes", .number(Double(settings.nodes))), ("overlay", .text(settings.overlay)),
                ("transport", .text(settings.transport)), ("converge_s", .number(seconds)),
                ("wall_s", .number(wallSeconds)), ("messages", .number(messages ?? .nan)),
                ("connections_per_node", .number(connectionsPerNode)), ("rss_bytes_per_node", .number(bytesPerNode)),
                ("diameter", .number(diameter.map(Double.init) ?? .nan)),
            ]
            result.details += details
            return result
        }
    }

    /// A simulator whose overlay has converged, and the simulated time it took.
    /// `failureDetection`: how long after a node dies its peers notice (see
    /// ``SimulationConfiguration/failureDetectionDelay``).
    static func convergedSimulator(
        _ settings: OverlaySettings, failureDetection: Duration = .milliseconds(10)
    ) throws -> (OverlaySimulator, Duration) {
        var atMinimum: (time: Duration, messages: Int)?
        return try convergedSimulator(settings, failureDetection: failureDetection, atMinimum: &atMinimum)
    }

    static func convergedSimulator(
        _ settings: OverlaySettings, failureDetection: Duration = .milliseconds(10),
        atMinimum: inout (time: Duration, messages: Int)?
    ) throws -> (OverlaySimulator, Duration) {
        let simulator = OverlaySimulator(
            configuration: .init(seed: settings.seed, failureDetectionDelay: failureDetection))
        for i in 0..<settings.nodes { simulator.addNode(try manager(settings, index: i)) }
        for i in 1..<settings.nodes { simulator.join(i, through: 0) }
        progress("overlay-converge: \(settings.nodes) \(settings.overlay) nodes joining in memory")
        var checks = 0
        var reachedMinimum: (time: Duration, messages: Int)?
        let took = simulator.run(upTo: .seconds(600), checkingEvery: .milliseconds(100)) { sim in
            checks += 1
            if checks % 50 == 0 { progress("  t=\(sim.now) messages=\(sim.messagesSent)") }
            let members = { (i: Int) in sim.members(of: i).compactMap { sim.index(of: $0) }.filter { $0 != i } }
            if reachedMinimum == nil, converged(settings, minimumOnly: true, members: members) {
                reachedMinimum = (sim.now, sim.messagesSent)
            }
            return converged(settings, members: members)
        }
        guard let took else {
            let graph = simulator.memberGraph()
            var histogram: [Int: Int] = [:]
            for i in graph.nodes { histogram[graph.neighbours(of: i).count, default: 0] += 1 }
            progress("  views by size: \(histogram.sorted { $0.key < $1.key }), symmetric \(graph.symmetricShare)")
            throw OverlayBenchError("did not converge within 600 simulated seconds")
        }
        atMinimum = reachedMinimum
        return (simulator, took)
    }

    static func inMemory(_ settings: OverlaySettings) throws -> Run {
        let clock = ContinuousClock()
        let start = clock.now
        let rssBefore = residentBytes()
        var atMinimum: (time: Duration, messages: Int)?
        let (simulator, took) = try convergedSimulator(settings, atMinimum: &atMinimum)
        let wall = (clock.now - start).inSeconds
        let connections = simulator.connectionGraph()
        var run = Run(
            seconds: took.inSeconds, wallSeconds: wall, messages: Double(simulator.messagesSent),
            connectionsPerNode: connections.meanDegree,
            bytesPerNode: Double(residentBytes() - rssBefore) / Double(settings.nodes),
            diameter: settings.nodes <= 4096 ? simulator.memberGraph().diameter(samples: 8) : nil)
        let members = simulator.memberGraph()
        if let path = settings.graphOut { try writeLinks(members, to: path) }
        run.details = [
            ("members_min", .number(Double(members.degreeRange.lowerBound))),
            ("members_max", .number(Double(members.degreeRange.upperBound))),
            ("members_mean", .number(members.meanDegree)), ("messages_lost", .number(Double(simulator.messagesLost))),
            ("at_min_size_s", .number(atMinimum?.time.inSeconds ?? .nan)),
            ("at_min_size_messages", .number(atMinimum.map { Double($0.messages) } ?? .nan)),
        ]
        return run
    }

    static func manager(_ settings: OverlaySettings, index: Int) throws -> any PeerServiceManager {
        let spec = OverlaySimulator.spec(ofNode: index)
        let overlay = try overlay(settings, index: index, tcp: false)
        return overlay.makeManager(
            Overlay.Context(localSpec: spec, creation: UInt32(index + 1), tickInterval: .seconds(1)))
    }

    static func overTCP(_ settings: OverlaySettings) async throws -> Run {
        let rssBefore = residentBytes()
        let (nodes, seconds, peakDescriptors) = try await convergedOverTCP(settings)
        let connections = Double(nodes.map { $0.nodes().count }.reduce(0, +)) / Double(nodes.count)
        let bytes = Double(residentBytes() - rssBefore) / Double(settings.nodes)
        for node in nodes { await node.shutdown() }
        var run = Run(
            seconds: seconds, wallSeconds: seconds, messages: nil, connectionsPerNode: connections, bytesPerNode: bytes,
            diameter: nil)
        run.details = [
            ("sharing", .text(settings.sharing.rawValue)), ("speed_up", .number(Double(settings.speedUp))),
            ("peak_descriptors", .number(Double(peakDescriptors))),
        ]
        return run
    }

    /// Starts `settings.nodes` nodes over TCP in this process, joins them all through node 0
    /// and waits until the overlay has converged; returns them, how long that took, and the
    /// most file descriptors the process had open meanwhile.
    static func convergedOverTCP(_ settings: OverlaySettings) async throws -> (
        nodes: [PartisanNode], seconds: Double, peakDescriptors: Int
    ) {
        var logger = Logger(label: "partisan.bench")
        logger.logLevel = .error
        var nodes: [PartisanNode] = []
        for i in 0..<settings.nodes {
            var configuration = PartisanNode.Configuration(
                name: try Node(validating: "bench\(i)@127.0.0.1"), cookie: "overlay-bench")
            configuration.logging.logger = logger
            configuration.distribution?.overlay = try overlay(settings, index: i, tcp: true)
            configuration.distribution?.membership = tcpTimings(speedUp: settings.speedUp)
            configuration.distribution?.transport.connectionSharing = settings.sharing.sharing
            // A thousand nodes in one process: two listeners less each (descriptors).
            configuration.distribution?.transport.listenerPerLoop = false
            nodes.append(try await PartisanNode.start(configuration))
        }
        progress("overlay-converge: \(settings.nodes) \(settings.overlay) nodes started over TCP, joining")
        let clock = ContinuousClock()
        let start = clock.now
        let contact = nodes[0].listenAddress!
        for node in nodes.dropFirst() {
            // A loaded machine can time a handshake out: try a few times before giving up.
            for attempt in 1...3 {
                do {
                    try await node.join(contact)
                    break
                } catch  where attempt < 3 {
                    progress("  \(node.name) join failed (\(error)), again")
                }
            }
        }
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.name, $0) })
        let deadline = clock.now.advanced(by: .seconds(300))
        var polls = 0
        var peakDescriptors = openDescriptors()
        while !converged(settings, members: { i in nodes[i].members().compactMap { index[$0] }.filter { $0 != i } }) {
            guard clock.now < deadline else { throw OverlayBenchError("did not converge within 300 s") }
            polls += 1
            peakDescriptors = max(peakDescriptors, openDescriptors())
            if polls % 20 == 0 { progress("  t=\(clock.now - start) descriptors=\(peakDescriptors)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (nodes, (clock.now - start).inSeconds, peakDescriptors)
    }

    /// How many file descriptors the process has open (the entries of `/proc/self/fd`; 0
    /// where there is none).
    static func openDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while readdir(directory) != nil { count += 1 }
        return max(0, count - 3)  // ".", ".." and the directory's own descriptor
    }

    /// Writes each link `i j` (with `i < j`) on a line.
    static func writeLinks(_ graph: OverlayGraph, to path: String) throws {
        var text = ""
        for i in graph.nodes { for j in graph.neighbours(of: i) where i < j { text += "\(i) \(j)\n" } }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw OverlayBenchError("cannot write \(path)") }
        defer { close(fd) }
        _ = text.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) }
    }

    /// The process's resident memory, from `/proc/self/statm` (0 where there is none).
    static func residentBytes() -> Int {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 255) }
        guard count > 0 else { return 0 }
        let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// A scenario that cannot run as asked.
struct OverlayBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
