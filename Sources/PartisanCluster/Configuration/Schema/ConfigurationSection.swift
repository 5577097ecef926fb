import Partisan

/// One section of the schema: a group of keys and how their values fill a node's
/// ``PartisanNode/Configuration``. Adding a section (such as `discovery`) is one new type and
/// one line in ``ConfigurationSchema/sections``.
///
/// ``apply(_:to:context:)`` reads every key of ``keys`` (so that each is checked and listed),
/// in the order of ``ConfigurationSchema/sections``: a section may read what an earlier one
/// set in `configuration` (the cookie section reads the listen host).
protocol ConfigurationSection {
    /// The section's keys, in the order `partisan config check` lists them.
    static var keys: [ConfigurationKey] { get }

    /// Reads the section's keys from `settings` and sets them in `configuration`.
    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError)

    /// Checks, once every section has applied, what spans sections (a wildcard listen address
    /// needs an advertised host). The default checks nothing.
    static func validate(
        _ configuration: PartisanNode.Configuration, settings: SettingsReader
    ) throws(ConfigurationError)
}

extension ConfigurationSection {
    static func validate(
        _ configuration: PartisanNode.Configuration, settings: SettingsReader
    ) throws(ConfigurationError) {}
}

/// What a section may need besides the settings: the environment's home directory (the cookie
/// file made on first use lives there) and whether that file may be made now.
struct ConfigurationContext {
    /// `HOME`, if set.
    var homeDirectory: String?
    /// Whether a missing default cookie file is made (a node starting) or only reported (a
    /// check of the configuration).
    var createsCookieFile = true
}
