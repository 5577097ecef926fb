import Configuration
import Foundation
import Synchronization
import SystemPackage
import Yams

/// The configuration file as a layer: JSON (`.json`) or YAML (`.yaml`, `.yml`) read by
/// swift-configuration's `FileProvider`, after checks that keep a hostile file cheap: at most
/// ``maximumSize`` bytes, and for YAML at most ``maximumNodes`` values once aliases are
/// expanded (an alias bomb stops here, not in the flattening). The keys the file holds are
/// collected while it is parsed, to be checked against the schema.
enum ConfigurationFile {
    /// The largest file read: 1 MiB.
    static let maximumSize = 1 << 20
    /// The most YAML nodes, aliases expanded.
    static let maximumNodes = 10_000

    /// The file at `path` as a layer, and the keys it sets.
    static func layer(path: String) async throws(ConfigurationError) -> (layer: ConfigurationLayer, keys: [String]) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .unreadableFile(path: path, reason: "not a regular file") }
        guard info.st_size <= maximumSize else {
            throw .unreadableFile(path: path, reason: "larger than \(maximumSize) bytes")
        }
        let keys = Mutex<[String]>([])
        let secrets = Set(ConfigurationSchema.keys.filter(\.isSecret).map(\.name))
        let provider: any ConfigProvider
        do {
            switch (path as NSString).pathExtension.lowercased() {
            case "json":
                let options = JSONSnapshot.ParsingOptions(
                    secretsSpecifier: .dynamic { key, _ in
                        keys.withLock { $0.append(key) }
                        return secrets.contains(key)
                    })
                provider = try await FileProvider<JSONSnapshot>(parsingOptions: options, filePath: FilePath(path))
            case "yaml", "yml":
                try checkYAMLSize(path)
                let options = YAMLSnapshot.ParsingOptions(
                    secretsSpecifier: .dynamic { key, _ in
                        keys.withLock { $0.append(key) }
                        return secrets.contains(key)
                    })
                provider = try await FileProvider<YAMLSnapshot>(parsingOptions: options, filePath: FilePath(path))
            default:
                throw ConfigurationError.malformedFile(path: path, reason: "its name must end in .json, .yaml or .yml")
            }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw .malformedFile(path: path, reason: describe(error))
        }
        let layer = ConfigurationLayer(provider: provider) { _ in .file(path) }
        return (layer, keys.withLock { $0 })
    }

    /// Refuses a YAML file whose values, aliases expanded, number more than ``maximumNodes``.
    private static func checkYAMLSize(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let root = try Yams.compose(yaml: text) else { return }
        var pending = [root]
        var count = 0
        while let node = pending.popLast() {
            count += 1
            guard count <= maximumNodes else {
                throw ConfigurationError.malformedFile(
                    path: path, reason: "more than \(maximumNodes) values once its aliases are expanded")
            }
            switch node {
            case .mapping(let mapping): for (key, value) in mapping { pending += [key, value] }
            case .sequence(let sequence): pending += Array(sequence)
            case .scalar, .alias: break
            }
        }
    }

    /// What is wrong with the file, without its text: a parser's position and problem, never
    /// the line it quotes (it may hold a secret).
    private static func describe(_ error: any Error) -> String {
        if let error = error as? YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                return "YAML: \(PrintableText.escaped(problem)) at line \(mark.line), column \(mark.column)"
            default:
                return "YAML: not a valid document"
            }
        }
        if error is DecodingError || (error as NSError).domain == NSCocoaErrorDomain {
            return "JSON: not a valid document"
        }
        return PrintableText.escaped("\(error)")
    }
}
