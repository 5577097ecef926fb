import ArgumentParser
import Foundation
import Partisan

/// `partisan rpc`: calls a function registered on a running node and prints its result as
/// JSON, as a hidden client (it never joins the node's cluster).
struct RPCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc",
        abstract: "Call a function registered on a node and print its JSON result.",
        discussion: """
            Every node has the built-in functions partisan.members, partisan.info, \
            partisan.processes and partisan.whereis (JSON-ARGS: "NAME"). JSON objects are \
            passed as maps, strings as binaries. Exit codes: 0 success; 1 node unreachable, \
            connection lost or no answer in time; 2 handshake refused (wrong cookie); 3 the \
            call failed (unknown function, bad arguments, the function threw or was killed, \
            node overloaded); 64 bad usage (including JSON-ARGS that is not JSON); 78 no usable \
            cookie.
            """
    )

    /// The call failed on the remote side.
    static let callFailed = ExitCode(3)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The function's registered name, such as partisan.info.")
    var name: String

    @Argument(help: "The arguments as one JSON value (default: {}).")
    var arguments: String = "{}"

    func validate() throws {
        guard (try? Self.parse(arguments)) != nil else {
            throw ValidationError("JSON-ARGS is not valid JSON: \(arguments)")
        }
    }

    static func parse(_ json: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
    }

    func run() async throws {
        let logger = CommandLineValues.bootstrapLogging(level: .critical)
        let address = try CommandLineValues.address(client.node, option: "--node")
        let timeout = Duration.milliseconds(Int(client.timeout * 1000))
        let arguments = try Self.parse(self.arguments).term
        let cookie = try CommandLineValues.cookie(client.cookie)
        let outcome: Result<Term, RPCError>
        do {
            outcome = try await HiddenClient.withConnection(
                to: address, cookie: cookie, host: client.host,
                channels: try CommandLineValues.channels(client.channels), tls: try client.tls.settings(),
                timeout: timeout, logger: logger
            ) { node, target in
                do throws(RPCError) {
                    return .success(
                        try await node.erpc.call(
                            name, on: target, arguments, returning: Term.self, timeout: .after(timeout)))
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            throw CommandLineValues.failure(error)
        }
        switch outcome {
        case .success(let result):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            CommandLineValues.printLine(String(decoding: try encoder.encode(JSONValue(result)), as: UTF8.self))
        case .failure(let error):
            CommandLineValues.printError("\(name): \(error)")
            switch error {
            case .timeout, .noconnection: throw CommandLineValues.unreachable
            default: throw Self.callFailed
            }
        }
    }
}
