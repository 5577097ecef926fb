import Foundation
import PartisanCluster

/// A temporary directory holding one test's configuration files, removed when the value goes
/// away, and loading through ``NodeConfigurationLoader`` with an environment made for the test.
final class ConfigurationFixture {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-config-\(UUID())")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `contents` to `name` (mode `mode`) and returns its path.
    @discardableResult
    func write(_ name: String, _ contents: String, mode: Int = 0o600) throws -> String {
        let path = directory.appendingPathComponent(name).path
        guard FileManager.default.createFile(atPath: path, contents: Data(contents.utf8)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    /// Loads `file` (a name in the directory) with `environment` (`HOME` is the directory) and
    /// `flags` (flag, key, value).
    func load(
        file: String? = nil, environment: [String: String] = [:], flags: [(String, String, String)] = []
    ) async throws(ConfigurationError) -> LoadedNodeConfiguration {
        var loader = NodeConfigurationLoader(
            file: file.map { directory.appendingPathComponent($0).path },
            environment: ["HOME": directory.path].merging(environment) { _, new in new })
        for (flag, key, value) in flags { loader.setFlag(flag, key: key, value: value) }
        return try await loader.load()
    }

    /// The error `load` throws, or `nil` when it loads.
    func error(
        file: String? = nil, environment: [String: String] = [:], flags: [(String, String, String)] = []
    ) async -> ConfigurationError? {
        do {
            _ = try await load(file: file, environment: environment, flags: flags)
            return nil
        } catch {
            return error
        }
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}
