import ArgumentParser
import Foundation
import Partisan

/// Options shared by the commands that query a running node as a hidden client.
struct ClientOptions: ParsableArguments {
    @Option(help: "The node to ask, HOST:PORT.")
    var node: String

    @OptionGroup(title: "Cookie (the node's)")
    var cookie: CookieOptions

    @Option(help: "The address this client listens on and announces (the node dials back to it).")
    var host: String = "127.0.0.1"

    @Option(help: "Extra channels to open, NAME:PARALLELISM,... (not needed: the node dials back only the client's).")
    var channels: String?

    @Option(help: "Seconds to wait for the connection and the answer.")
    var timeout: Double = 5

    @OptionGroup var tls: TLSOptions

    func validate() throws {
        _ = try CommandLineValues.address(node, option: "--node")
        _ = try CommandLineValues.channels(channels)
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// Asks the node for its live members (see ``InfoService``), presenting `cookie`.
    func members(cookie: Cookie) async throws -> [String] {
        let logger = CommandLineValues.bootstrapLogging(level: .critical)
        return try await HiddenClient.members(
            at: try CommandLineValues.address(node, option: "--node"), cookie: cookie, host: host,
            channels: try CommandLineValues.channels(channels), tls: try tls.settings(),
            timeout: .milliseconds(Int(timeout * 1000)), logger: logger)
    }
}

/// `partisan members`: prints the live members a node sees (itself and the members it is
/// connected to), without joining its cluster.
struct MembersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "Print the live members a node sees, one per line or as a JSON array (the client never joins).",
        discussion: """
            Exit codes: 0 success; 1 node unreachable or no answer; 2 handshake refused (wrong \
            cookie); 78 no usable cookie (see `partisan node --help`).
            """
    )

    @OptionGroup var client: ClientOptions

    @Flag(help: "Print a JSON array of names.")
    var json = false

    func run() async throws {
        let cookie = try CommandLineValues.cookie(client.cookie)
        let members: [String]
        do {
            members = try await client.members(cookie: cookie)
        } catch {
            throw CommandLineValues.failure(error)
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: members, options: [.withoutEscapingSlashes])
            CommandLineValues.printLine(String(decoding: data, as: UTF8.self))
        } else {
            for member in members { CommandLineValues.printLine(member) }
        }
    }
}
