import Logging
import Partisan

/// `log.level`, `log.crashReports`: what the node logs. The node's logger is labelled
/// `partisan.NAME`, at `log.level`, through whatever backend the program bootstrapped.
enum LogSection: ConfigurationSection {
    static let level = ConfigurationKey(
        "log.level", .choice(Logger.Level.allCases.map(\.rawValue)), defaultValue: "warning",
        summary: "The node's log level (trace, debug, info, notice, warning, error, critical).", flag: "--log-level")
    static let crashReports = ConfigurationKey(
        "log.crashReports", .boolean, defaultValue: "true",
        summary: "Whether a crashing process is logged at error level (SASL's crash report).")

    static let keys = [level, crashReports]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        var logger = Logger(label: "partisan.\(configuration.name)")
        if let level = try settings.choice(level).flatMap(Logger.Level.init(rawValue:)) {
            logger.logLevel = level
        } else {
            logger.logLevel = .warning
            settings.recordDefault(level)
        }
        configuration.logging.logger = logger
        if let crashReports = try settings.boolean(crashReports) {
            configuration.logging.crashReports = crashReports
        } else {
            settings.recordDefault(crashReports)
        }
    }
}
