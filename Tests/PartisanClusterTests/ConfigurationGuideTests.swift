import Foundation
import PartisanCluster
import Testing

/// Guides/Cluster.md's configuration section matches the schema: its key table lists every key
/// with its variable, and its example file loads.
@Suite struct ConfigurationGuideTests {
    static let guide = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Guides/Cluster.md").standardized

    @Test func test_the_guide_lists_every_key_with_its_environment_variable() throws {
        let text = try String(contentsOf: Self.guide, encoding: .utf8)
        for key in ConfigurationSchema.keys {
            #expect(
                text.contains("| `\(key.name)` | `\(key.environmentVariable)` |"), "\(key.name) missing from the guide")
        }
    }

    @Test func test_the_guides_example_file_loads_as_documented() async throws {
        let text = try String(contentsOf: Self.guide, encoding: .utf8)
        let section = try #require(text.range(of: "## Configuration"))
        let start = try #require(text.range(of: "```yaml\n", range: section.upperBound..<text.endIndex))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let fixture = try ConfigurationFixture()
        try fixture.write("cluster.yaml", String(text[start.upperBound..<end.lowerBound]))
        // The cookie file the example names is relative to where the node runs; a flag stands in.
        let loaded = try await fixture.load(file: "cluster.yaml", flags: [("--cookie", "cookie", "guide-secret")])
        #expect(loaded.profile == .dev)
        #expect(loaded.configuration.name.name == "a@127.0.0.1")
        #expect(loaded.configuration.distribution?.listenPort == 9100)
        #expect(loaded.setting("channels")?.value == "bulk:4,state:1:monotonic")
        #expect(loaded.setting("log.level")?.source == .file(fixture.path("cluster.yaml")))
    }
}
