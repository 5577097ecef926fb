import ArgumentParser
import Foundation
import Partisan

/// `partisan partition`: cuts a running node off from other nodes, resolves such a partition,
/// or lists those in force, as a hidden client presenting the node's cookie (see
/// ``PartisanNode/injectPartition(from:)``).
struct PartitionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Cut a running node off from other nodes (--from), resolve a partition (--resolve), or list them.",
        discussion: """
            With --from, the node loses what it sends to those nodes and drops what they send, \
            until the partition is resolved; prints the partition's reference number. With \
            --resolve N, ends partition N. With --list (the default), prints the partitions in \
            force as JSON. Exit codes: 0 success; 1 node unreachable or no answer; 2 handshake \
            refused (wrong cookie); 3 no partition N, or the node refused the call; 64 bad \
            usage; 78 no usable cookie.
            """
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "A node to cut the node off from, NAME@HOST (repeat for several).")
    var from: [String] = []

    @Option(help: "The reference number of the partition to resolve.")
    var resolve: UInt64?

    @Flag(help: "List the partitions in force as JSON (what the command does without --from or --resolve).")
    var list = false

    func validate() throws {
        guard [!from.isEmpty, resolve != nil, list].filter({ $0 }).count <= 1 else {
            throw ValidationError("give one of --from, --resolve and --list")
        }
        for name in from where (try? Node(validating: name)) == nil {
            throw ValidationError("--from: not a node name (NAME@HOST): \(name)")
        }
    }

    /// What the node answered: a reference, a resolution, or the list.
    private enum Answer: Sendable {
        case injected(UInt64)
        case resolved(Bool)
        case listed([PartitionSummary])
    }

    func run() async throws {
        let logger = CommandLineValues.bootstrapLogging(level: .critical)
        let address = try CommandLineValues.address(client.node, option: "--node")
        let timeout = Duration.milliseconds(Int(client.timeout * 1000))
        let cookie = try CommandLineValues.cookie(client.cookie)
        let (from, resolve) = (self.from, self.resolve)
        let outcome: Result<Answer, RPCError>
        do {
            outcome = try await HiddenClient.withConnection(
                to: address, cookie: cookie, host: client.host,
                channels: try CommandLineValues.channels(client.channels), tls: try client.tls.settings(),
                timeout: timeout, logger: logger
            ) { node, target in
                do throws(RPCError) {
                    if !from.isEmpty {
                        return .success(
                            .injected(
                                try await node.erpc.call(
                                    BuiltinFunctions.injectPartition, on: target, from, timeout: .after(timeout))))
                    }
                    if let resolve {
                        return .success(
                            .resolved(
                                try await node.erpc.call(
                                    BuiltinFunctions.resolvePartition, on: target, resolve, timeout: .after(timeout))))
                    }
                    return .success(
                        .listed(
                            try await node.erpc.call(BuiltinFunctions.partitions, on: target, timeout: .after(timeout)))
                    )
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            throw CommandLineValues.failure(error)
        }
        switch outcome {
        case .success(.injected(let reference)):
            CommandLineValues.printLine("\(reference)")
        case .success(.resolved(true)):
            CommandLineValues.printLine("resolved \(resolve ?? 0)")
        case .success(.resolved(false)):
            CommandLineValues.printError("no partition \(resolve ?? 0) on the node")
            throw RPCCommand.callFailed
        case .success(.listed(let partitions)):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            CommandLineValues.printLine(String(decoding: try encoder.encode(partitions), as: UTF8.self))
        case .failure(let error):
            CommandLineValues.printError("partition: \(error)")
            switch error {
            case .timeout, .noconnection: throw CommandLineValues.unreachable
            default: throw RPCCommand.callFailed
            }
        }
    }
}
