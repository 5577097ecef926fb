import Configuration

/// One source of settings as swift-configuration sees it: a provider, and how a key found in
/// it is named to a person (``ConfigurationSource``).
struct ConfigurationLayer {
    /// The provider the reader asks.
    let provider: any ConfigProvider
    /// Where a key's value comes from when this layer gives it.
    let source: (ConfigurationKey) -> ConfigurationSource

    /// Texts named by schema key, parsed as environment variables are (integers, Booleans,
    /// comma-separated lists), each shown as the source `source` makes of its key.
    static func texts(
        _ values: [String: String], source: @escaping (ConfigurationKey) -> ConfigurationSource
    ) -> ConfigurationLayer {
        var named: [String: String] = [:]
        for (key, value) in values { named[ConfigurationKey.environmentVariable(for: key)] = value }
        return variables(named, source: source)
    }

    /// `PARTISAN_*` variables (already checked against the schema), read as swift-configuration
    /// reads environment variables, the key `a.bC` from `PARTISAN_A_B_C`.
    static func variables(
        _ variables: [String: String], source: @escaping (ConfigurationKey) -> ConfigurationSource
    ) -> ConfigurationLayer {
        let secrets = Set(ConfigurationSchema.keys.filter(\.isSecret).map(\.environmentVariable))
        let environment = EnvironmentVariablesProvider(
            environmentVariables: variables, secretsSpecifier: .specific(secrets))
        let prefixed = KeyMappingProvider(upstream: environment) { $0.prepending(["partisan"]) }
        return ConfigurationLayer(provider: prefixed, source: source)
    }
}
