import Foundation
import Partisan

/// A supervised server that keeps a journal file: `terminate` appends `terminated REASON`
/// to it, so that a graceful shutdown can be seen from outside the process.
struct Journal: GenServer {
    enum Call: Sendable { case entries }
    typealias Reply = Int

    /// The journal file.
    let path: String
    var entries = 0

    mutating func initialize(context: GenServerContext) async throws -> InitResult<Never> {
        // Trapping exits makes the supervisor's `shutdown` a stop that runs `terminate`.
        context.process.trapExit = true
        try append("started")
        return .ok()
    }

    mutating func handleCall(_ call: Call, from: CallerRef<Int>, context: GenServerContext) async throws
        -> CallResult<Int, Never>
    {
        .reply(entries)
    }

    mutating func terminate(reason: ExitReason, context: GenServerContext) async {
        try? append("terminated \(reason)")
    }

    private mutating func append(_ line: String) throws {
        let data = Data((line + "\n").utf8)
        if let handle = FileHandle(forWritingAtPath: path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
        } else {
            try data.write(to: URL(fileURLWithPath: path))
        }
        entries += 1
    }
}
