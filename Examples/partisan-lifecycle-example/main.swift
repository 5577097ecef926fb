// A node run as a service: `partisan-lifecycle-example --name NAME@HOST --journal FILE
// [--listen HOST:PORT] [--join HOST:PORT]`. It starts a supervisor with one `Journal` server
// and runs the node in a ServiceGroup, which prints `listening NAME HOST:PORT` once it traps
// its signals. SIGTERM or SIGINT
// shut the node down gracefully (the journal's `terminate` writes `terminated shutdown`) and
// the process exits 0. The cookie comes from PARTISAN_COOKIE (any value works on loopback).
import Foundation
import Logging
import Partisan
import PartisanCluster
import ServiceLifecycle

/// The value following `flag` on the command line, if any.
func option(_ flag: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// `HOST:PORT` as an address (the last colon separates the port), or `nil`.
func address(_ text: String) -> ListenAddress? {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
        (0...65_535).contains(port), colon > text.startIndex
    else { return nil }
    return ListenAddress(host: String(text[..<colon]), port: port)
}

/// Exits with status 64 (bad usage) after printing `message` to stderr.
func usage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("partisan-lifecycle-example: \(message)\n".utf8))
    exit(64)
}

guard let nameText = option("--name"), let name = Node(nameText) else { usage("--name NAME@HOST is required") }
guard let journal = option("--journal") else { usage("--journal FILE is required") }
let listen = option("--listen") ?? "127.0.0.1:0"
guard let listenAddress = address(listen) else { usage("--listen must be HOST:PORT, got '\(listen)'") }

var logger = Logger(label: "partisan-lifecycle-example")
logger.logLevel = .notice
var configuration = PartisanNode.Configuration(
    name: name, cookie: Cookie(ProcessInfo.processInfo.environment["PARTISAN_COOKIE"] ?? "lifecycle-example"))
configuration.distribution?.listenHost = listenAddress.host
configuration.distribution?.listenPort = listenAddress.port
configuration.logging.logger = logger

let node = try await PartisanNode.start(configuration)
// The node's supervision tree: stopped in reverse start order on shutdown, each child within
// its shutdown time, so `Journal.terminate` runs.
_ = try await node.startSupervisor(
    children: [.genServer(id: "journal", name: "journal", shutdown: .timeout(.seconds(5))) { Journal(path: journal) }])
if let contact = option("--join") {
    guard let contactAddress = address(contact) else { usage("--join must be HOST:PORT, got '\(contact)'") }
    try await node.join(contactAddress)
}
let group = ServiceGroup(
    configuration: ServiceGroupConfiguration(
        services: [
            .init(service: PartisanNodeService(node: node)),
            .init(service: ListeningLine(node: node), successTerminationBehavior: .ignore),
        ],
        gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
try await group.run()
