import ArgumentParser

/// The `partisan` command-line tool: run a node, or ask a running one about its cluster.
///
/// Exit codes (every command): 0 success; 1 the node could not be reached or did not answer
/// (`ping` prints `pang`), or a node failed to start or join; 2 the node refused the handshake
/// (wrong cookie); 3 (`rpc`) the call failed on the node; 64 bad usage; 78 no usable cookie, or
/// a weak one on an address that is not loopback (see ``CookieOptions``), or a configuration
/// that is not valid (an unknown key or `PARTISAN_*` variable, a bad value; see `partisan config`).
@main
struct PartisanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partisan",
        abstract: "Run a Partisan node, check its configuration, or query a running one (members, ping, rpc).",
        discussion: """
            Exit codes: 0 success; 1 node unreachable, no answer (ping prints pang), or a node \
            failed to start or join; 2 handshake refused (wrong cookie); 3 (rpc) the call \
            failed on the node; 64 bad usage; 78 no usable cookie (a cookie file missing, \
            empty or open to group/others; an empty PARTISAN_COOKIE), or an empty or well-known \
            one on an address that is not loopback, or an invalid configuration (unknown key or \
            PARTISAN_* variable, bad value).
            """,
        subcommands: [
            NodeCommand.self, ConfigCommand.self, MembersCommand.self, PingCommand.self, RPCCommand.self,
            PartitionCommand.self,
        ]
    )
}
