import Foundation
import Partisan

/// Loads a node's ``PartisanNode/Configuration`` from the configuration file (JSON or YAML),
/// the `PARTISAN_*` environment variables and command-line flags, through
/// swift-configuration, in this precedence (highest first):
///
/// 1. flags (``setFlag(_:key:value:)``, what `partisan node` passes);
/// 2. environment variables, `PARTISAN_` + the key in capitals (``ConfigurationKey``);
/// 3. the configuration file (``file``);
/// 4. the profile (``ConfigurationProfile``), chosen by `--profile`, `PARTISAN_PROFILE` or the
///    file's `profile` key, in that precedence;
/// 5. the library's defaults (``PartisanNode/Configuration``).
///
/// ```swift
/// let loaded = try await NodeConfigurationLoader(file: "cluster.yaml").load()
/// let node = try await PartisanNode.start(loaded.configuration)
/// ```
///
/// A key the schema does not have, in the file or as a `PARTISAN_*` variable, is an error that
/// names it (with the nearest valid key); so is a bad value (naming the key, its source and
/// what was expected). Secret values (the cookie) are never shown: not in errors, not in
/// ``LoadedNodeConfiguration/settings``.
public struct NodeConfigurationLoader: Sendable {
    /// The configuration file, `.json`, `.yaml` or `.yml`; `nil` for none.
    public var file: String?
    /// The environment whose `PARTISAN_*` variables are read (and `HOME`, for the default
    /// cookie file).
    public var environment: [String: String]
    /// Whether a missing default cookie file (`~/.partisan.cookie`, see `cookie.generate`) is
    /// made with a random secret (`true`, the default: a node about to start) or only named
    /// in ``LoadedNodeConfiguration/settings`` (`false`: checking a configuration). With
    /// `false` and no file yet, the configuration's cookie is empty.
    public var createsCookieFile = true
    private var flags: [String: String] = [:]
    private var flagNames: [String: String] = [:]

    /// A loader of `file` and the `PARTISAN_*` variables of `environment` (the process's by
    /// default).
    public init(file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.file = file
        self.environment = environment
    }

    /// Sets `key` to `value` (written as an environment variable writes it) from the
    /// command-line flag `flag`, above every other source.
    public mutating func setFlag(_ flag: String, key: String, value: String) {
        flags[key] = value
        flagNames[key] = flag
    }

    /// Reads every source and fills a configuration.
    ///
    /// - Throws: ``ConfigurationError`` naming the key, variable or file at fault.
    public func load() async throws(ConfigurationError) -> LoadedNodeConfiguration {
        for key in flags.keys where ConfigurationSchema.key(named: key) == nil {
            preconditionFailure("setFlag names \(key), which is not a key of the schema")
        }
        let flagNames = self.flagNames
        let flagLayer = ConfigurationLayer.texts(flags) { .flag(flagNames[$0.name] ?? $0.flag ?? $0.name) }
        let environmentLayer = ConfigurationLayer.variables(try configurationVariables()) {
            .environment($0.environmentVariable)
        }
        var layers = [flagLayer, environmentLayer]
        if let file {
            let (layer, keys) = try await ConfigurationFile.layer(path: file)
            try Self.checkKeys(keys, file: file)
            layers.append(layer)
        }
        let profile = try SettingsReader(layers: layers).choice(NodeSection.profile)
            .flatMap(ConfigurationProfile.init(rawValue:))
        if let profile {
            layers.append(.texts(profile.values) { _ in .profile(profile.rawValue) })
        }
        let settings = SettingsReader(layers: layers)
        let name = try NodeSection.readName(settings)
        var configuration = PartisanNode.Configuration(name: name, cookie: Cookie(bytes: []))
        let context = ConfigurationContext(homeDirectory: environment["HOME"], createsCookieFile: createsCookieFile)
        for section in ConfigurationSchema.sections {
            try section.apply(settings, to: &configuration, context: context)
        }
        for section in ConfigurationSchema.sections {
            try section.validate(configuration, settings: settings)
        }
        let discovery = try DiscoverySection.read(settings, for: configuration)
        let order = Dictionary(
            ConfigurationSchema.keys.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let effective = settings.effective.sorted { (order[$0.key] ?? .max) < (order[$1.key] ?? .max) }
        return LoadedNodeConfiguration(
            configuration: configuration, profile: profile, settings: effective, discovery: discovery)
    }

    /// The environment's `PARTISAN_*` variables that are keys of the schema.
    ///
    /// - Throws: ``ConfigurationError/unknownEnvironmentVariable(_:suggestion:)`` for any other
    ///   `PARTISAN_*` variable (but ``ConfigurationSchema/otherEnvironmentVariables``).
    private func configurationVariables() throws(ConfigurationError) -> [String: String] {
        let known = Set(ConfigurationSchema.keys.map(\.environmentVariable))
        var variables: [String: String] = [:]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("PARTISAN_") {
            if known.contains(name) {
                variables[name] = value
            } else if !ConfigurationSchema.otherEnvironmentVariables.contains(name) {
                let prefix = "PARTISAN_"
                let suggestion = KeySuggestion.nearest(
                    to: String(name.dropFirst(prefix.count)),
                    among: known.sorted().map { String($0.dropFirst(prefix.count)) })
                throw .unknownEnvironmentVariable(
                    PrintableText.escaped(name), suggestion: suggestion.map { prefix + $0 })
            }
        }
        return variables
    }

    /// Throws ``ConfigurationError/unknownKeys(file:keys:suggestions:)`` if `keys` holds any
    /// that is not in the schema.
    private static func checkKeys(_ keys: [String], file: String) throws(ConfigurationError) {
        let valid = ConfigurationSchema.keys.map(\.name)
        let unknown = Set(keys).subtracting(valid).sorted()
        guard !unknown.isEmpty else { return }
        let shown = unknown.prefix(5).map { PrintableText.escaped($0) }
        var suggestions: [String: String] = [:]
        for (key, raw) in zip(shown, unknown) {
            suggestions[key] = KeySuggestion.nearest(to: raw, among: valid)
        }
        throw .unknownKeys(file: file, keys: Array(shown), suggestions: suggestions)
    }
}
