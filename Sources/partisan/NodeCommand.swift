import ArgumentParser
import Dispatch
import Foundation
import Partisan
import PartisanCluster

/// `partisan node`: runs a node in the foreground until SIGTERM or SIGINT, then shuts it down
/// gracefully (``PartisanNode/shutdown()``: it leaves the cluster) and exits 0.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a node in the foreground; SIGTERM/SIGINT make it leave the cluster and exit 0.",
        discussion: """
            Prints `listening NAME@HOST HOST:PORT` (the real port when --listen asks for 0) once \
            it accepts connections (then `metrics http://HOST:PORT/metrics` with --metrics), \
            then joins the --join contacts and what the `discovery` settings find, retrying an \
            unreachable one with backoff until it answers (a seed that refuses the cookie or the \
            name ends the node with exit 1). Settings come from flags, then PARTISAN_* \
            environment variables, then --config FILE (JSON or YAML), then the profile \
            (--profile dev|prod), then the defaults; `partisan config keys` lists them and \
            `partisan config check FILE` shows the effective ones. The cookie comes from \
            --cookie-file (or --cookie), else PARTISAN_COOKIE, else ~/.partisan.cookie (created \
            with a random secret and mode 0600 on first use); a cookie file open to group or \
            others is refused. On an address other than loopback, an empty or well-known cookie \
            is refused (exit 78). With --tls-cert, --tls-key \
            and --tls-ca every connection runs mutual TLS: peers and clients must present a \
            certificate from the same CA.
            """
    )

    @Option(help: "A configuration file (.json, .yaml or .yml); flags and PARTISAN_* variables override its keys.")
    var config: String?

    @Option(help: "The profile beneath every other source: dev or prod (or PARTISAN_PROFILE, or `profile:`).")
    var profile: String?

    @Option(help: "The node's name, NAME@HOST (or `name` in the configuration, or PARTISAN_NAME).")
    var name: String?

    @Option(help: "Where to listen, HOST:PORT (port 0 picks a free one); default 127.0.0.1:0.")
    var listen: String?

    @Option(help: "A node of the cluster to join, HOST:PORT (repeatable).")
    var join: [String] = []

    @OptionGroup(title: "Cookie (the secret shared by the cluster's nodes and clients)")
    var cookie: CookieOptions

    @Option(help: "Extra channels, NAME:PARALLELISM,... (default and membership are always there).")
    var channels: String?

    @Option(help: "Seconds between gossip rounds and heartbeats (default 1).")
    var gossipInterval: Double?

    @Option(help: "Seconds a member may stay silent before it is declared down (default 3).")
    var suspectAfter: Double?

    @Option(
        help:
            "Log level (trace, debug, info, notice, warning, error, critical; default warning); the log goes to stderr."
    )
    var logLevel: String?

    @OptionGroup var tls: TLSOptions

    @Option(help: "Serve the node's metrics for Prometheus at http://HOST:PORT/metrics (port 0 picks a free one).")
    var metrics: String?

    func validate() throws {
        if let name, Node(name) == nil { throw ValidationError("--name must be NAME@HOST, got '\(name)'") }
        if let listen { _ = try CommandLineValues.address(listen, option: "--listen") }
        for contact in join { _ = try CommandLineValues.address(contact, option: "--join") }
        if let metrics { _ = try CommandLineValues.address(metrics, option: "--metrics") }
        _ = try CommandLineValues.channels(channels)
        guard (gossipInterval ?? 1) > 0, (suspectAfter ?? 1) > 0 else {
            throw ValidationError("--gossip-interval and --suspect-after must be positive")
        }
    }

    /// The flags given, as keys of the configuration schema, above every other source.
    func loader() -> NodeConfigurationLoader {
        var loader = NodeConfigurationLoader(file: config)
        let texts: [(flag: String, key: String, value: String?)] = [
            ("--profile", "profile", profile), ("--name", "name", name), ("--listen", "listen", listen),
            ("--cookie", "cookie", cookie.cookie), ("--cookie-file", "cookie.file", cookie.cookieFile),
            ("--channels", "channels", channels), ("--log-level", "log.level", logLevel),
            ("--gossip-interval", "membership.gossipInterval", gossipInterval.map { "\($0)s" }),
            ("--suspect-after", "membership.suspectAfter", suspectAfter.map { "\($0)s" }),
            ("--tls-cert", "tls.certificate", tls.certificate), ("--tls-key", "tls.key", tls.key),
            ("--tls-ca", "tls.ca", tls.ca),
        ]
        for (flag, key, value) in texts {
            if let value { loader.setFlag(flag, key: key, value: value) }
        }
        return loader
    }

    func run() async throws {
        _ = CommandLineValues.bootstrapLogging(level: .warning)
        let events = Self.events()
        let configuration: PartisanNode.Configuration
        let discoverySettings: DiscoverySettings?
        do {
            let loaded = try await loader().load()
            configuration = loaded.configuration
            discoverySettings = loaded.discovery
        } catch {
            CommandLineValues.printError(error.description)
            throw CommandLineValues.configuration
        }
        let name = configuration.name.name
        let listen = configuration.distribution.map { ListenAddress(host: $0.listenHost, port: $0.listenPort) }
        let node: PartisanNode
        let metricsAddress: ListenAddress?
        do {
            // Before the node starts, so that its metrics go to Prometheus's registry.
            if let metrics {
                metricsAddress = try await MetricsEndpoint.start(
                    on: CommandLineValues.address(metrics, option: "--metrics"))
            } else {
                metricsAddress = nil
            }
        } catch {
            CommandLineValues.printError(
                "cannot serve metrics on \(metrics ?? ""): \(CommandLineValues.describe(error))")
            throw CommandLineValues.unreachable
        }
        do {
            node = try await PartisanNode.start(configuration)
            try InfoService.start(on: node)
        } catch TransportError.weakCookie(let host) {
            CommandLineValues.printError(
                "cannot start \(name) on \(listen.map(String.init(describing:)) ?? "-"): refusing to listen on \(host), which is not a loopback address, "
                    + "with an empty or well-known cookie: use a secret one (--cookie-file, \(CookieOptions.environmentVariable) "
                    + "or ~/\(CookieOptions.defaultFileName), which is made for you when none is given)")
            throw CommandLineValues.configuration
        } catch {
            CommandLineValues.printError(
                "cannot start \(name) on \(listen.map(String.init(describing:)) ?? "-"): \(CommandLineValues.describe(error))"
            )
            throw CommandLineValues.unreachable
        }
        CommandLineValues.printLine("listening \(node.name) \(node.listenAddress!)")
        if let metricsAddress { CommandLineValues.printLine("metrics http://\(metricsAddress)/metrics") }
        // The --join seeds and what the `discovery` settings find are joined and retried with
        // backoff (ClusterDiscovery), beside the wait for a signal: an unreachable contact is
        // logged and tried again, and SIGTERM still ends the node at once. A refusal that
        // retrying cannot fix ends it (exit 1).
        let contacts = try join.map { try CommandLineValues.address($0, option: "--join") }
        var strategies: [any DiscoveryStrategy] = contacts.isEmpty ? [] : [StaticDiscovery(seeds: contacts)]
        let logger = node.runtime.logger
        var settings = ClusterDiscovery.Configuration(maxBackoff: .seconds(10), logger: logger)
        if let discoverySettings {
            do {
                strategies.append(try discoverySettings.strategy(logger: logger))
            } catch {
                CommandLineValues.printError("cannot discover peers: \(error)")
                await node.shutdown()
                throw CommandLineValues.configuration
            }
            settings.pollInterval = discoverySettings.pollInterval
        }
        settings.onJoinFailure = { contact, error in
            if Self.isFatal(error) { events.continuation.yield(.joinFailed(contact.address, error)) }
        }
        let discovery =
            strategies.isEmpty
            ? nil
            : try ClusterDiscovery.start(on: node, strategies: strategies, configuration: settings)
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
        // The graceful shutdown: supervision trees, then leaving the cluster, drained queues.
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
