import Foundation
import Logging
import Partisan

/// Asks the `partisan_info` process of a node for its live members.
struct MembersRequest: Codable, Sendable {
    let replyTo: Pid
}

/// The live members of the node that answered, sorted by name.
struct MembersReply: Codable, Sendable {
    let members: [String]
}

/// The process every `partisan node` registers as ``name``, which hidden clients (`partisan
/// members`, `partisan ping`) query.
///
/// *Live* members are the node itself and the members it is connected to: a member that went
/// down stays a member of the full mesh (it is reconnected when it comes back), but it is not
/// listed until it does, so a killed node disappears from the output as soon as its peers
/// notice (at once on a closed connection, within `--suspect-after` + `--gossip-interval` for a
/// hung one).
enum InfoService {
    static let name = "partisan_info"

    static func registerTypes(on node: PartisanNode) {
        node.registerMessageType(MembersRequest.self, manifest: "partisan_cli.members_request")
        node.registerMessageType(MembersReply.self, manifest: "partisan_cli.members_reply")
    }

    /// The node's members that are itself or connected, sorted.
    static func liveMembers(of node: PartisanNode) -> [String] {
        node.members().filter { $0 == node.name || node.isConnected($0) }.map(\.description).sorted()
    }

    /// Starts and registers the process on `node`.
    static func start(on node: PartisanNode) throws {
        registerTypes(on: node)
        let pid = node.spawn { ctx in
            while true {
                // Anything else is taken and dropped, so the mailbox cannot fill up.
                if let request = try await ctx.receive() as? MembersRequest {
                    ctx.send(MembersReply(members: liveMembers(of: node)), to: request.replyTo)
                }
            }
        }
        try node.register(name, pid)
    }
}

/// Why a hidden client's query failed, with the exit code it maps to.
enum QueryError: Error, CustomStringConvertible {
    case unreachable(ListenAddress, String)
    case refused(ListenAddress, String)
    case noAnswer(ListenAddress)

    var description: String {
        switch self {
        case .unreachable(let address, let why): "cannot reach a node at \(address): \(why)"
        case .refused(let address, let why): "the node at \(address) refused the handshake (wrong cookie?): \(why)"
        case .noAnswer(let address):
            "the node at \(address) did not answer (is it a `partisan node`? with extra channels, pass the same --channels)"
        }
    }

    /// Classifies a failed `connect`: a refused cookie challenge, or anything else.
    init(connecting address: ListenAddress, _ error: any Error) {
        switch error {
        case TransportError.handshake(.badCookie), TransportError.handshake(.refusedByPeer("bad_cookie")),
            HandshakeError.badCookie, HandshakeError.refusedByPeer("bad_cookie"):
            self = .refused(address, "\(error)")
        case let error as TransportError: self = .unreachable(address, error.description)
        default: self = .unreachable(address, CommandLineValues.describe(error))
        }
    }

    var exitCode: Int32 {
        switch self {
        case .refused: CommandLineValues.refused.rawValue
        case .unreachable, .noAnswer: CommandLineValues.unreachable.rawValue
        }
    }
}

/// A short-lived *hidden* client: a distributed node that only connects to the target
/// (`connect(to:)`, never `join`), so it never becomes a member of the target's cluster — the
/// full mesh adds only nodes that join — asks its question, and shuts down.
enum HiddenClient {
    /// The target's live members, from its `partisan_info` process.
    static func members(
        at address: ListenAddress, cookie: Cookie, host: String, channels: [ChannelSpec], tls: TransportTLS?,
        timeout: Duration, logger: Logger
    ) async throws -> [String] {
        try await withConnection(
            to: address, cookie: cookie, host: host, channels: channels, tls: tls, timeout: timeout, logger: logger
        ) { client, target in
            InfoService.registerTypes(on: client)
            let reply = try await client.withProcess { me -> MembersReply? in
                guard let info = RegisteredName(InfoService.name, on: target) else { return nil }
                try me.send(MembersRequest(replyTo: me.pid), to: info)
                return try await me.receive(MembersReply.self, timeout: timeout)
            }
            guard let reply else { throw QueryError.noAnswer(address) }
            return reply.members
        }
    }

    /// Starts the client, connects it to the node at `address`, runs `body` with the client
    /// and the target's name, and shuts the client down (also when `body` throws). With `tls`,
    /// the client's connections (and the node's dial-back to it) run TLS.
    static func withConnection<T: Sendable>(
        to address: ListenAddress, cookie: Cookie, host: String, channels: [ChannelSpec], tls: TransportTLS?,
        timeout: Duration, logger: Logger, _ body: (PartisanNode, Node) async throws -> T
    ) async throws -> T {
        let name = try Node(validating: "partisan-cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))@\(host)")
        var configuration = PartisanNode.Configuration(name: name, cookie: cookie)
        configuration.logging.logger = logger
        configuration.distribution?.listenHost = host
        configuration.distribution?.channels = channels
        configuration.distribution?.tls = tls
        configuration.distribution?.transport.connectTimeout = timeout
        configuration.distribution?.transport.handshakeTimeout = timeout
        // The node's nodes() and node monitors leave the client out.
        configuration.distribution?.transport.hidden = true
        let client = try await PartisanNode.start(configuration)
        client.membership?.stop()
        do {
            let target: Node
            do {
                target = try await client.connect(to: address)
            } catch {
                throw QueryError(connecting: address, error)
            }
            let result = try await body(client, target)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
