import ArgumentParser
import Partisan

/// `partisan ping`: `pong` if the node answers within the timeout, otherwise `pang`.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Print pong and exit 0 if the node answers, otherwise pang and exit 1 (2: wrong cookie).",
        discussion: """
            A round trip to the node's partisan_info process through a hidden client: the \
            handshake (cookie) and the node's processes both work. Exit codes: 0 pong; 1 pang; \
            2 handshake refused (wrong cookie), after pang; 78 no usable cookie (nothing sent).
            """
    )

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let cookie = try CommandLineValues.cookie(client.cookie)
        do {
            _ = try await client.members(cookie: cookie)
            CommandLineValues.printLine("pong")
        } catch {
            CommandLineValues.printLine("pang")
            throw CommandLineValues.failure(error)
        }
    }
}
