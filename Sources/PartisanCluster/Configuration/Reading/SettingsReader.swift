import Configuration

/// Reads the schema's keys through swift-configuration's ``ConfigReader`` over the layers (flags,
/// environment, file, profile, highest first), turns each value into its type with the key's
/// checks, and records what every key resolved to and where it came from.
///
/// Every read of a key that some layer holds with a bad value throws
/// ``ConfigurationError/badValue(key:source:expected:got:)`` naming that layer.
final class SettingsReader {
    private let reader: ConfigReader
    private let recorder: LookupRecorder
    private let layers: [ConfigurationLayer]
    /// Each key read so far, in reading order, with its shown value and its source.
    private(set) var effective: [EffectiveSetting] = []

    init(layers: [ConfigurationLayer]) {
        precondition(!layers.isEmpty, "at least one configuration layer")
        let recorder = LookupRecorder()
        self.reader = ConfigReader(providers: layers.map(\.provider), accessReporter: recorder)
        self.recorder = recorder
        self.layers = layers
    }

    /// The text of `key`, or `nil` when no layer sets it.
    func text(_ key: ConfigurationKey) throws(ConfigurationError) -> (value: String, source: ConfigurationSource)? {
        let value = reader.string(forKey: ConfigKey(key.name), isSecret: key.isSecret)
        guard let (value, source) = try resolved(key, value) else { return nil }
        guard !value.isEmpty else { throw bad(key, source, got: value) }
        record(key, value, source)
        return (value, source)
    }

    /// The value of `key` read as text and turned into a value by `parse` (`nil`: not valid).
    func parsed<Value>(
        _ key: ConfigurationKey, _ parse: (String) -> Value?
    ) throws(ConfigurationError) -> (value: Value, source: ConfigurationSource)? {
        let raw = reader.string(forKey: ConfigKey(key.name), isSecret: key.isSecret)
        guard let (text, source) = try resolved(key, raw) else { return nil }
        guard let value = parse(text) else { throw bad(key, source, got: text) }
        record(key, text, source)
        return (value, source)
    }

    /// The integer of `key`, checked against its kind's range.
    func integer(_ key: ConfigurationKey) throws(ConfigurationError) -> Int? {
        let raw = reader.int(forKey: ConfigKey(key.name), isSecret: key.isSecret)
        guard let (value, source) = try resolved(key, raw) else { return nil }
        if case .integer(let range) = key.kind, !range.contains(value) { throw bad(key, source, got: "\(value)") }
        record(key, "\(value)", source)
        return value
    }

    /// The Boolean of `key`.
    func boolean(_ key: ConfigurationKey) throws(ConfigurationError) -> Bool? {
        let raw = reader.bool(forKey: ConfigKey(key.name), isSecret: key.isSecret)
        guard let (value, source) = try resolved(key, raw) else { return nil }
        record(key, "\(value)", source)
        return value
    }

    /// The duration of `key` (see ``ConfigurationKey/Kind/duration``).
    func duration(_ key: ConfigurationKey) throws(ConfigurationError) -> Duration? {
        try parsed(key, DurationText.parse)?.value
    }

    /// The word of `key`, one of its kind's choices.
    func choice(_ key: ConfigurationKey) throws(ConfigurationError) -> String? {
        guard case .choice(let words) = key.kind else { return try text(key)?.value }
        return try parsed(key) { words.contains($0) ? $0 : nil }?.value
    }

    /// The list of `key`, each item turned into a value by `parse` (`nil`: not valid).
    func list<Item>(
        _ key: ConfigurationKey, _ parse: (String) -> Item?
    ) throws(ConfigurationError) -> (value: [Item], source: ConfigurationSource)? {
        let raw = reader.stringArray(forKey: ConfigKey(key.name), isSecret: key.isSecret)
        guard let (texts, source) = try resolved(key, raw) else { return nil }
        var items: [Item] = []
        for text in texts {
            let trimmed = text.trimmingSpaces()
            guard let item = parse(trimmed) else { throw bad(key, source, got: trimmed) }
            items.append(item)
        }
        record(key, texts.map { $0.trimmingSpaces() }.joined(separator: ","), source)
        return (items, source)
    }

    /// The source of `key`'s value without reading it again (`nil`: no layer sets it).
    func source(of key: ConfigurationKey) -> ConfigurationSource? {
        effective.last { $0.key == key.name }?.source
    }

    /// Records `key` as left at its default.
    func recordDefault(_ key: ConfigurationKey) {
        guard !effective.contains(where: { $0.key == key.name }) else { return }
        effective.append(EffectiveSetting(key: key.name, value: key.defaultValue, source: .defaultValue))
    }

    /// The error for a value of `key` from `source` that is not what the key takes.
    func bad(_ key: ConfigurationKey, _ source: ConfigurationSource, got: String?) -> ConfigurationError {
        .badValue(
            key: key.name, source: source, expected: key.kind.description,
            got: key.isSecret ? nil : got.map(PrintableText.quoted))
    }

    private func resolved<Value>(
        _ key: ConfigurationKey, _ value: Value?
    ) throws(ConfigurationError) -> (Value, ConfigurationSource)? {
        switch recorder.answer(for: key.name) {
        case .absent:
            return nil
        case .failed(let layer):
            throw bad(key, layers[layer].source(key), got: nil)
        case .found(let layer):
            let source = layers[layer].source(key)
            guard let value else { throw bad(key, source, got: nil) }
            return (value, source)
        }
    }

    /// Records `key` as `value` from `source`, replacing what a read recorded (a section that
    /// merges two keys records the result).
    func record(_ key: ConfigurationKey, _ value: String, _ source: ConfigurationSource) {
        effective.removeAll { $0.key == key.name }
        let shown = key.isSecret ? EffectiveSetting.redacted : PrintableText.escaped(value)
        effective.append(EffectiveSetting(key: key.name, value: shown, source: source))
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
