import Foundation
import Partisan
import ServiceLifecycle

/// Prints `listening NAME HOST:PORT` once the service group runs, then ends. The group traps
/// its signals before it starts any service, so a `SIGTERM` sent by whoever waits for this
/// line always reaches the group (sent earlier, it would end the process at once).
struct ListeningLine: Service {
    let node: PartisanNode

    func run() async throws {
        // Unbuffered: a reader of a pipe or file sees the line at once.
        FileHandle.standardOutput.write(Data("listening \(node.name) \(node.listenAddress!)\n".utf8))
    }
}
