import ArgumentParser
import Dispatch
import Foundation
import Partisan

/// `partisan node`: runs a node in the foreground until SIGTERM or SIGINT, then leaves the
/// cluster gracefully and exits 0.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a node in the foreground; SIGTERM/SIGINT make it leave the cluster and exit 0.",
        discussion: """
            Prints `listening NAME@HOST HOST:PORT` (the real port when --listen asks for 0) once \
            it accepts connections, then joins the --join contacts.
            """
    )

    @Option(help: "The node's name, NAME@HOST.")
    var name: String

    @Option(help: "Where to listen, HOST:PORT (port 0 picks a free one).")
    var listen: String

    @Option(help: "A node of the cluster to join, HOST:PORT (repeatable).")
    var join: [String] = []

    @Option(help: "The shared secret every node and client must present.")
    var cookie: String = "partisan"

    @Option(help: "Extra channels, NAME:PARALLELISM,... (default and membership are always there).")
    var channels: String?

    @Option(help: "Seconds between gossip rounds and heartbeats.")
    var gossipInterval: Double = 1

    @Option(help: "Seconds a member may stay silent before it is declared down.")
    var suspectAfter: Double = 3

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical); the log goes to stderr.")
    var logLevel: String = "warning"

    func validate() throws {
        guard Node(name) != nil else { throw ValidationError("--name must be NAME@HOST, got '\(name)'") }
        _ = try CommandLineValues.address(listen, option: "--listen")
        for contact in join { _ = try CommandLineValues.address(contact, option: "--join") }
        _ = try CommandLineValues.channels(channels)
        guard gossipInterval > 0, suspectAfter > 0 else {
            throw ValidationError("--gossip-interval and --suspect-after must be positive")
        }
    }

    func run() async throws {
        let logger = CommandLineValues.bootstrapLogging(level: .init(rawValue: logLevel) ?? .warning)
        let stop = Self.terminationSignals()
        let address = try CommandLineValues.address(listen, option: "--listen")
        let node: PartisanNode
        do {
            node = try await PartisanNode.start(
                name: Node(validating: name), host: address.host, port: address.port, cookie: Cookie(cookie),
                channels: try CommandLineValues.channels(channels), logger: logger,
                membership: MembershipConfiguration(
                    gossipInterval: .milliseconds(Int(gossipInterval * 1000)),
                    suspectAfter: .milliseconds(Int(suspectAfter * 1000))))
            try InfoService.start(on: node)
        } catch {
            CommandLineValues.printError("cannot start \(name) on \(listen): \(CommandLineValues.describe(error))")
            throw CommandLineValues.unreachable
        }
        CommandLineValues.printLine("listening \(node.name) \(node.listenAddress!)")
        for contact in join {
            do {
                try await node.join(try CommandLineValues.address(contact, option: "--join"))
            } catch {
                CommandLineValues.printError("cannot join \(contact): \(CommandLineValues.describe(error))")
                await node.shutdown()
                throw CommandLineValues.unreachable
            }
        }
        for await _ in stop { break }
        await node.leave()
        await node.shutdown()
    }

    /// SIGTERM and SIGINT as a stream; their default action (exit at once) is turned off, so
    /// the node can leave first.
    private static func terminationSignals() -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let sources = [SIGTERM, SIGINT].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                return source
            }
            // The sources are only cancelled, once, when the stream ends.
            nonisolated(unsafe) let retained = sources
            continuation.onTermination = { _ in
                for source in retained { source.cancel() }
            }
        }
    }
}
