import ArgumentParser
import Foundation
import Logging
import Partisan

/// Parsing of the tool's argument formats and the exit codes it documents.
enum CommandLineValues {
    /// The node could not be reached, did not answer, or failed to start or join.
    static let unreachable = ExitCode(1)
    /// The node refused the handshake: the cookies differ.
    static let refused = ExitCode(2)
    /// No usable cookie (a cookie file that is missing, empty or open to group or others, an
    /// empty `PARTISAN_COOKIE`), a weak cookie on an address that is not loopback, or a
    /// configuration that is not valid (`EX_CONFIG`).
    static let configuration = ExitCode(78)

    /// The cookie `options` resolve to; on failure prints why (one line, never the cookie)
    /// and throws ``configuration``.
    static func cookie(_ options: CookieOptions) throws -> Cookie {
        do {
            return try options.resolve()
        } catch {
            printError(error.description)
            throw configuration
        }
    }

    /// `HOST:PORT` (`[IPv6]:PORT` for IPv6 literals).
    static func address(_ text: String, option: String) throws -> ListenAddress {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else { throw ValidationError("\(option) must be HOST:PORT, got '\(text)'") }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("\(option) must be HOST:PORT, got '\(text)'") }
        return ListenAddress(host: host, port: port)
    }

    /// `NAME:PARALLELISM,...`; `default` and `membership` are added when missing.
    static func channels(_ text: String?) throws -> [ChannelSpec] {
        var specs: [ChannelSpec] = []
        for item in (text ?? "").split(separator: ",") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let parallelism = Int(parts[1]), parallelism > 0, !parts[0].isEmpty else {
                throw ValidationError("--channels must be NAME:PARALLELISM,..., got '\(item)'")
            }
            specs.append(ChannelSpec(name: String(parts[0]), parallelism: parallelism))
        }
        for standard in ChannelSpec.standard where !specs.contains(where: { $0.name == standard.name }) {
            specs.append(standard)
        }
        return specs
    }

    /// Sends the log to stderr (stdout carries the commands' output) at `level`.
    static func bootstrapLogging(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "partisan")
        logger.logLevel = level
        return logger
    }

    /// Writes `line` to stdout unbuffered: readers of a pipe see it at once.
    static func printLine(_ line: String) {
        FileHandle.standardOutput.write(Data("\(line)\n".utf8))
    }

    /// A one-line description of `error`: SwiftNIO's connection errors are long and nested;
    /// their errno text is what users need.
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        for known in ["Connection refused", "No route to host", "Network is unreachable", "timed out"]
        where text.contains(known) {
            return known.lowercased()
        }
        return text
    }

    /// Reports a failed query of a node on stderr (a ``QueryError``'s own words, any other
    /// error as it describes itself) and returns the exit code it maps to.
    static func failure(_ error: any Error) -> ExitCode {
        if let error = error as? QueryError {
            printError(error.description)
            return ExitCode(error.exitCode)
        }
        if case TransportError.weakCookie = error {
            printError("\(error)")
            return configuration
        }
        printError("\(error)")
        return unreachable
    }

    /// Prints `message` to stderr as one line.
    static func printError(_ message: String) {
        let line = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("partisan: \(line)\n".utf8))
    }
}
