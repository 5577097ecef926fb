import Partisan

/// The format of the file ``HostsFileDiscovery`` reads: one contact per line, like Erlang's
/// `.hosts.erlang`.
///
/// ```
/// # comments start with # (or %, as in Erlang's file); blank lines are ignored
/// 10.0.0.5:9100        # HOST:PORT
/// [fd00::5]:9100       # [IPv6]:PORT
/// app-2.internal       # HOST alone: the default port
/// 'app-3.internal'.    # Erlang's form, a quoted atom and a dot: the default port
/// ```
///
/// A line that is none of these is skipped and reported (by number, not by content) in
/// ``Parsed/invalidLines``; the rest of the file still counts.
public enum HostsFile {
    /// The result of parsing a hosts file.
    public struct Parsed: Hashable, Sendable {
        /// The contacts, in file order, without duplicates.
        public var contacts: [ListenAddress]
        /// The numbers (from 1) of the lines that were skipped as invalid.
        public var invalidLines: [Int]
    }

    /// The most lines read; the rest of a longer file is ignored (and reported as invalid).
    public static let maxLines = 10_000

    /// Parses `text`, giving `defaultPort` to hosts listed without one.
    public static func parse(_ text: String, defaultPort: Int) -> Parsed {
        var contacts: [ListenAddress] = []
        var seen: Set<ListenAddress> = []
        var invalid: [Int] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            guard number <= maxLines else {
                invalid.append(number)
                break
            }
            var line = rawLine
            if let comment = line.firstIndex(where: { $0 == "#" || $0 == "%" }) { line = line[..<comment] }
            line = line.drop(while: \.isWhitespace)
            while let last = line.last, last.isWhitespace { line = line.dropLast() }
            guard !line.isEmpty else { continue }
            if line.hasPrefix("'") {
                guard line.hasSuffix("'."), line.count >= 4 else {
                    invalid.append(number)
                    continue
                }
                line = line.dropFirst().dropLast(2)
            }
            guard let address = try? ContactAddress.parse(String(line), defaultPort: defaultPort, option: "hosts file")
            else {
                invalid.append(number)
                continue
            }
            if seen.insert(address).inserted { contacts.append(address) }
        }
        return Parsed(contacts: contacts, invalidLines: invalid)
    }
}
