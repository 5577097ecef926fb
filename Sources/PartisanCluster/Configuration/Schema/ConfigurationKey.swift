/// One key of the configuration schema: its name in a file, its environment variable, its
/// flag of `partisan node` if it has one, the kind of value it takes and its default.
///
/// A key's environment variable is `PARTISAN_` followed by the key with each word in capitals
/// and `.` or a lower-to-upper case change turned into `_`: `membership.gossipInterval` is
/// `PARTISAN_MEMBERSHIP_GOSSIP_INTERVAL` (swift-configuration's rule for environment
/// variables, with the prefix).
public struct ConfigurationKey: Sendable, Hashable {
    /// The key as a file spells it, dot-separated: `listen.port`.
    public let name: String
    /// The kind of value it takes.
    public let kind: Kind
    /// The default, as `partisan config check` shows it (`-` when there is none).
    public let defaultValue: String
    /// What it sets, in one sentence.
    public let summary: String
    /// The flag of `partisan node` that sets it, if any (`--listen` sets `listen.host` and
    /// `listen.port`).
    public let flag: String?
    /// Whether its value is a secret: never printed, never logged.
    public let isSecret: Bool

    /// A key of the schema (sections declare theirs).
    package init(
        _ name: String, _ kind: Kind, defaultValue: String, summary: String, flag: String? = nil,
        isSecret: Bool = false
    ) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
        self.flag = flag
        self.isSecret = isSecret
    }

    /// The environment variable that sets this key.
    public var environmentVariable: String { Self.environmentVariable(for: name) }

    /// The environment variable of the key `name` (see ``ConfigurationKey``).
    public static func environmentVariable(for name: String) -> String {
        var result = "PARTISAN"
        for component in name.split(separator: ".") {
            result += "_"
            var previousIsLower = false
            for character in component {
                if previousIsLower && character.isUppercase { result += "_" }
                previousIsLower = character.isLowercase
                result += character.isLetter || character.isNumber ? character.uppercased() : "_"
            }
        }
        return result
    }

    /// The kind of value a key takes, and how a file, a variable or a flag writes it.
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        /// Any non-empty text.
        case text
        /// A path to a file.
        case path
        /// `HOST:PORT`, `[IPv6]:PORT` for an IPv6 address.
        case address
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// `true` or `false` (a variable or flag may also say `yes`/`no`, `1`/`0`).
        case boolean
        /// A duration with a unit: `250ms`, `1s`, `1.5s`, `2m`, `1h`.
        case duration
        /// One of the listed words.
        case choice([String])
        /// A list of texts: a list in a file, comma-separated in a variable or flag.
        case list(String)

        /// What a value of this kind looks like, as errors say it.
        public var description: String {
            switch self {
            case .text: "a non-empty text"
            case .path: "a file path"
            case .address: "HOST:PORT ([IPv6]:PORT for an IPv6 address)"
            case .integer(let range):
                range.upperBound == .max
                    ? "an integer of at least \(range.lowerBound)"
                    : "an integer from \(range.lowerBound) to \(range.upperBound)"
            case .boolean: "true or false"
            case .duration: "a duration with a unit such as 250ms, 1s, 1.5s, 2m or 1h"
            case .choice(let words): "one of \(words.joined(separator: ", "))"
            case .list(let item): "a list of \(item)"
            }
        }
    }
}
