import ArgumentParser
import Foundation
import PartisanCluster

/// `partisan config check FILE` and `partisan config keys`: the configuration a node would
/// start with, and the keys it may set.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a configuration file, or list the configuration keys.",
        subcommands: [Check.self, Keys.self]
    )

    /// `partisan config check FILE`: loads FILE with the environment's `PARTISAN_*` variables
    /// as `partisan node --config FILE` would, and prints every key's effective value and
    /// source, secrets redacted; exit 0 when valid, 78 with the reason when not.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract:
                "Print the effective settings of FILE (with PARTISAN_* variables and the profile), secrets masked.",
            discussion: """
                Each line is KEY = VALUE (SOURCE), SOURCE being a flag, an environment variable, the \
                file, the profile or the default. Exits 0 when the configuration is valid, 78 with \
                one line naming the key and its source when not. Nothing is started; the default \
                cookie file (~/.partisan.cookie) is not created.
                """
        )

        @Argument(help: "The configuration file (.json, .yaml or .yml).")
        var file: String

        @Option(help: "The profile beneath every other source: dev or prod.")
        var profile: String?

        func run() async throws {
            var loader = NodeConfigurationLoader(file: file)
            loader.createsCookieFile = false
            if let profile { loader.setFlag("--profile", key: "profile", value: profile) }
            let loaded: LoadedNodeConfiguration
            do {
                loaded = try await loader.load()
            } catch {
                CommandLineValues.printError(error.description)
                throw CommandLineValues.configuration
            }
            let width = loaded.settings.map(\.key.count).max() ?? 0
            var lines = loaded.settings.map { setting in
                let key = setting.key.padding(toLength: width, withPad: " ", startingAt: 0)
                return "\(key) = \(setting.value)  (\(setting.source))"
            }
            lines.append(
                "configuration ok: \(loaded.configuration.name)" + (loaded.profile.map { ", profile \($0)" } ?? ""))
            CommandLineValues.printLine(lines.joined(separator: "\n"))
        }
    }

    /// `partisan config keys`: every key with its environment variable, flag, kind and default.
    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys", abstract: "List every configuration key: variable, flag, kind, default, meaning.")

        func run() {
            let lines = ConfigurationSchema.keys.map { key in
                [
                    key.name, key.environmentVariable, key.flag ?? "-", key.kind.description, key.defaultValue,
                    key.summary,
                ]
                .joined(separator: "\t")
            }
            CommandLineValues.printLine(
                (["KEY\tVARIABLE\tFLAG\tKIND\tDEFAULT\tMEANING"] + lines).joined(separator: "\n"))
        }
    }
}
