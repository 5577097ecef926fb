import ArgumentParser
import Dispatch
import Foundation
import Partisan
import PartisanCluster

/// `partisan node`: runs a node in the foreground until SIGTERM or SIGINT, then leaves the
/// cluster gracefully and exits 0.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a node in the foreground; SIGTERM/SIGINT make it leave the cluster and exit 0.",
        discussion: """
            Prints `listening NAME@HOST HOST:PORT` (the real port when --listen asks for 0) once \
            it accepts connections, then joins the --join contacts, retrying an unreachable one \
            with backoff until it answers (a seed that refuses the cookie or the name ends the \
            node with exit 1). The cookie comes from \
            --cookie-file (or --cookie), else PARTISAN_COOKIE, else ~/.partisan.cookie (created \
            with a random secret and mode 0600 on first use); a cookie file open to group or \
            others is refused. On an address other than loopback, an empty or well-known cookie \
            is refused (exit 78). With --tls-cert, --tls-key \
            and --tls-ca every connection runs mutual TLS: peers and clients must present a \
            certificate from the same CA.
            """
    )

    @Option(help: "The node's name, NAME@HOST.")
    var name: String

    @Option(help: "Where to listen, HOST:PORT (port 0 picks a free one).")
    var listen: String

    @Option(help: "A node of the cluster to join, HOST:PORT (repeatable).")
    var join: [String] = []

    @OptionGroup(title: "Cookie (the secret shared by the cluster's nodes and clients)")
    var cookie: CookieOptions

    @Option(help: "Extra channels, NAME:PARALLELISM,... (default and membership are always there).")
    var channels: String?

    @Option(help: "Seconds between gossip rounds and heartbeats.")
    var gossipInterval: Double = 1

    @Option(help: "Seconds a member may stay silent before it is declared down.")
    var suspectAfter: Double = 3

    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical); the log goes to stderr.")
    var logLevel: String = "warning"

    @OptionGroup var tls: TLSOptions

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
        let events = Self.events()
        let address = try CommandLineValues.address(listen, option: "--listen")
        let cookie = try CommandLineValues.cookie(self.cookie)
        let tls = try self.tls.settings()
        let node: PartisanNode
        do {
            var configuration = PartisanNode.Configuration(name: try Node(validating: name), cookie: cookie)
            configuration.logging.logger = logger
            configuration.distribution?.listenHost = address.host
            configuration.distribution?.listenPort = address.port
            configuration.distribution?.channels = try CommandLineValues.channels(channels)
            configuration.distribution?.tls = tls
            configuration.distribution?.membership.gossipInterval = .milliseconds(Int(gossipInterval * 1000))
            configuration.distribution?.membership.suspectAfter = .milliseconds(Int(suspectAfter * 1000))
            node = try await PartisanNode.start(configuration)
            try InfoService.start(on: node)
        } catch TransportError.weakCookie(let host) {
            CommandLineValues.printError(
                "cannot start \(name) on \(listen): refusing to listen on \(host), which is not a loopback address, "
                    + "with an empty or well-known cookie: use a secret one (--cookie-file, \(CookieOptions.environmentVariable) "
                    + "or ~/\(CookieOptions.defaultFileName), which is made for you when none is given)")
            throw CommandLineValues.configuration
        } catch {
            CommandLineValues.printError("cannot start \(name) on \(listen): \(CommandLineValues.describe(error))")
            throw CommandLineValues.unreachable
        }
        CommandLineValues.printLine("listening \(node.name) \(node.listenAddress!)")
        // The --join seeds are retried with backoff until joined (ClusterDiscovery), beside the
        // wait for a signal: an unreachable seed is logged and tried again, and SIGTERM still
        // ends the node at once. A refusal that retrying cannot fix ends it (exit 1).
        let contacts = try join.map { try CommandLineValues.address($0, option: "--join") }
        var settings = ClusterDiscovery.Configuration(maxBackoff: .seconds(10), logger: logger)
        settings.onJoinFailure = { contact, error in
            if Self.isFatal(error) { events.continuation.yield(.joinFailed(contact.address, error)) }
        }
        let discovery =
            contacts.isEmpty
            ? nil
            : try ClusterDiscovery.start(
                on: node, strategies: [StaticDiscovery(seeds: contacts)], configuration: settings)
        for await event in events.stream {
            if case .joinFailed(let contact, let error) = event {
                if case TransportError.handshake(.refusedByPeer(AdmissionRefusal.duplicateName.wireReason)) = error {
                    CommandLineValues.printError(
                        "cannot join \(contact): another node named \(node.name) is connected to it "
                            + "(is \(node.name) running already? a name is let in again once its node is gone)")
                } else {
                    CommandLineValues.printError("cannot join \(contact): \(CommandLineValues.describe(error))")
                }
                discovery?.stop()
                await node.shutdown()
                throw CommandLineValues.unreachable
            }
            break
        }
        discovery?.stop()
        await node.leave()
        await node.shutdown()
    }

    /// Whether a failed join is one that retrying cannot fix: the seed refused this node's
    /// name or cookie, or proved another cookie, protocol or name than expected.
    private static func isFatal(_ error: any Error) -> Bool {
        guard case TransportError.handshake(let failure) = error else { return false }
        switch failure {
        case .badCookie, .versionMismatch, .ownName, .unexpectedPeer, .certificateMismatch, .notAdmitted: return true
        case .refusedByPeer(let reason):
            return reason == AdmissionRefusal.duplicateName.wireReason || reason == "bad_cookie"
        default: return false
        }
    }

    /// What ends a running node.
    private enum Event: Sendable {
        /// SIGTERM or SIGINT.
        case signal
        /// Joining `contact` failed.
        case joinFailed(ListenAddress, any Error)
    }

    /// Turns SIGTERM and SIGINT into ``Event/signal``; their default action (exit at once) is
    /// turned off, so the node can leave first.
    private static func events() -> (stream: AsyncStream<Event>, continuation: AsyncStream<Event>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
        let sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(.signal) }
            source.resume()
            return source
        }
        // The sources are only cancelled, once, when the stream ends.
        nonisolated(unsafe) let retained = sources
        continuation.onTermination = { _ in
            for source in retained { source.cancel() }
        }
        return (stream, continuation)
    }
}
