/// One key's effective value and where it came from, as `partisan config check` prints it.
public struct EffectiveSetting: Sendable, Hashable, CustomStringConvertible {
    /// What a secret's value is shown as.
    public static let redacted = "<redacted>"

    /// The key, `listen.port`.
    public let key: String
    /// The value as shown: escaped and cut when it came from outside, ``redacted`` for a
    /// secret, the documented default when no source sets it.
    public let value: String
    /// Where the value came from.
    public let source: ConfigurationSource

    /// A key's effective value.
    public init(key: String, value: String, source: ConfigurationSource) {
        self.key = key
        self.value = value
        self.source = source
    }

    /// `key = value  (source)`.
    public var description: String { "\(key) = \(value)  (\(source))" }
}
