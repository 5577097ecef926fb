import Foundation
import Partisan
import PartisanCluster
import Testing

/// Unknown keys, bad values, secrets and hostile files: every error names the key and its
/// source, and no error or listing shows a secret.
@Suite struct ConfigurationErrorTests {
    static let named = ["PARTISAN_NAME": "x@127.0.0.1", "PARTISAN_COOKIE": "c"]

    @Test func test_an_unknown_key_in_the_file_is_named_with_the_nearest_valid_key() async throws {
        let fixture = try ConfigurationFixture()
        try fixture.write("typo.yaml", "name: x@127.0.0.1\nmembership:\n  gossipIntervall: 1s\nsuspectAfter: 2s\n")
        let error = await fixture.error(file: "typo.yaml", environment: ["PARTISAN_COOKIE": "c"])
        #expect(
            error
                == .unknownKeys(
                    file: fixture.path("typo.yaml"), keys: ["membership.gossipIntervall", "suspectAfter"],
                    suggestions: [
                        "membership.gossipIntervall": "membership.gossipInterval",
                        "suspectAfter": "membership.suspectAfter",
                    ]))
        #expect(error?.description.contains("did you mean membership.gossipInterval?") == true)
    }

    @Test func test_an_unknown_PARTISAN_variable_is_named_with_the_nearest_valid_one() async throws {
        let fixture = try ConfigurationFixture()
        let error = await fixture.error(environment: Self.named.merging(["PARTISAN_LISTEN_PROT": "1"]) { $1 })
        #expect(error == .unknownEnvironmentVariable("PARTISAN_LISTEN_PROT", suggestion: "PARTISAN_LISTEN_PORT"))
        let far = await fixture.error(environment: Self.named.merging(["PARTISAN_ZZZ": "1"]) { $1 })
        #expect(far == .unknownEnvironmentVariable("PARTISAN_ZZZ", suggestion: nil))
    }

    @Test func test_a_bad_value_names_the_key_its_source_and_what_was_expected() async throws {
        let fixture = try ConfigurationFixture()
        try fixture.write("ports.json", #"{"listen": {"port": 70000}, "membership": {"suspectAfter": "3"}}"#)
        try fixture.write("text-port.json", #"{"listen": {"port": "9100"}}"#)
        let cases: [(file: String?, environment: [String: String], key: String, source: ConfigurationSource)] = [
            ("ports.json", [:], "listen.port", .file(fixture.path("ports.json"))),
            ("text-port.json", [:], "listen.port", .file(fixture.path("text-port.json"))),
            (nil, ["PARTISAN_LISTEN_PORT": "abc"], "listen.port", .environment("PARTISAN_LISTEN_PORT")),
            (
                nil, ["PARTISAN_MEMBERSHIP_SUSPECT_AFTER": "3"], "membership.suspectAfter",
                .environment("PARTISAN_MEMBERSHIP_SUSPECT_AFTER")
            ),
            (nil, ["PARTISAN_OVERLAY_KIND": "ring"], "overlay.kind", .environment("PARTISAN_OVERLAY_KIND")),
            (nil, ["PARTISAN_CHANNELS": "bulk:0"], "channels", .environment("PARTISAN_CHANNELS")),
            (
                nil, ["PARTISAN_CHANNELS": (1...33).map { "c\($0):1" }.joined(separator: ",")], "channels",
                .environment("PARTISAN_CHANNELS")
            ),
            (
                nil, ["PARTISAN_TRANSPORT_HANDSHAKE_TIMEOUT": "0s"], "transport.handshakeTimeout",
                .environment("PARTISAN_TRANSPORT_HANDSHAKE_TIMEOUT")
            ),
            (nil, ["PARTISAN_NAME": "no-at-sign"], "name", .environment("PARTISAN_NAME")),
        ]
        for (file, environment, key, source) in cases {
            let error = await fixture.error(file: file, environment: Self.named.merging(environment) { $1 })
            guard case .badValue(let badKey, let badSource, let expected, _) = error else {
                Issue.record("\(key) from \(source): \(String(describing: error))")
                continue
            }
            #expect(badKey == key && badSource == source, "\(String(describing: error))")
            #expect(!expected.isEmpty)
            #expect(error?.description.contains(key) == true)
        }
        let flagged = await fixture.error(
            environment: Self.named, flags: [("--gossip-interval", "membership.gossipInterval", "-1s")])
        #expect(flagged?.description.contains("from flag --gossip-interval") == true, "\(String(describing: flagged))")
    }

    @Test func test_the_cookie_is_never_shown_in_listings_or_errors() async throws {
        let fixture = try ConfigurationFixture()
        let secret = "hunter2-very-secret"
        try fixture.write("secret.yaml", "name: s@127.0.0.1\ncookie: \(secret)\n")
        let loaded = try await fixture.load(file: "secret.yaml")
        #expect(
            loaded.setting("cookie")
                == EffectiveSetting(
                    key: "cookie", value: EffectiveSetting.redacted, source: .file(fixture.path("secret.yaml"))))
        #expect(!loaded.settings.map(\.description).joined().contains(secret))
        // Both forms in one file, a syntax error on the cookie's line, a weak cookie on an open address.
        try fixture.write("both.yaml", "name: s@127.0.0.1\ncookie: \(secret)\ncookie.file: /nonexistent\n")
        try fixture.write("broken.yaml", "name: s@127.0.0.1\ncookie: \"\(secret)\n  bad: [\n")
        try fixture.write("open.yaml", "name: s@127.0.0.1\ncookie: partisan\nlisten.host: 10.1.2.3\n")
        for file in ["both.yaml", "broken.yaml", "open.yaml"] {
            let error = try #require(await fixture.error(file: file), "\(file) loads")
            #expect(!error.description.contains(secret), "\(file): \(error)")
            #expect(!error.description.contains("partisan,"), "\(file): \(error)")
        }
        #expect(
            await fixture.error(file: "both.yaml")
                == .conflict(keys: ["cookie", "cookie.file"], source: .file(fixture.path("both.yaml"))))
        let badSecret = await fixture.error(environment: ["PARTISAN_NAME": "s@127.0.0.1", "PARTISAN_COOKIE": ""])
        guard case .badValue(key: "cookie", source: .environment("PARTISAN_COOKIE"), _, got: nil) = badSecret else {
            Issue.record("\(String(describing: badSecret))")
            return
        }
    }

    @Test func test_a_cookie_file_open_to_others_is_refused_naming_the_file() async throws {
        let fixture = try ConfigurationFixture()
        let path = try fixture.write("cookie", "s3cret-value\n", mode: 0o644)
        let error = await fixture.error(environment: ["PARTISAN_NAME": "c@127.0.0.1", "PARTISAN_COOKIE_FILE": path])
        guard case .unusableFile(key: "cookie.file", source: .environment("PARTISAN_COOKIE_FILE"), let reason) = error
        else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(reason.contains(path) && reason.contains("chmod 600") && !reason.contains("s3cret"))
    }

    @Test func test_hostile_files_fail_fast_with_their_keys_escaped() async throws {
        let fixture = try ConfigurationFixture()
        // An alias bomb: 9 levels of 10 aliases expand to 10^9 values.
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let items = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            bomb += "a\(level): &a\(level) [\(items)]\n"
        }
        try fixture.write("bomb.yaml", bomb)
        let start = ContinuousClock.now
        let error = await fixture.error(file: "bomb.yaml", environment: Self.named)
        #expect(ContinuousClock.now - start < .seconds(10))
        guard case .malformedFile = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        try fixture.write("big.json", "{\"name\": \"" + String(repeating: "x", count: 2 << 20) + "\"}")
        guard case .unreadableFile = await fixture.error(file: "big.json", environment: Self.named) else {
            Issue.record("a 2 MiB file is read")
            return
        }
        try fixture.write("control.json", #"{"name": "x@127.0.0.1", "evil\u001b[31mkey": 1}"#)
        let escaped = await fixture.error(file: "control.json", environment: Self.named)
        #expect(escaped?.description.contains("\u{1b}") == false, "\(String(describing: escaped))")
        #expect(escaped?.description.contains("evil\\u{1b}[31mkey") == true, "\(String(describing: escaped))")
        try fixture.write("deep.yaml", String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000))
        guard case .malformedFile = await fixture.error(file: "deep.yaml", environment: Self.named) else {
            Issue.record("a 5,000-deep document loads")
            return
        }
        try fixture.write("cluster.toml", "name = 'x'\n")
        guard case .malformedFile = await fixture.error(file: "cluster.toml", environment: Self.named) else {
            Issue.record("a .toml file loads")
            return
        }
    }

    @Test func test_a_file_that_holds_the_cookie_must_be_private_and_the_cookie_is_trimmed() async throws {
        let fixture = try ConfigurationFixture()
        try fixture.write("open.yaml", "name: o@127.0.0.1\ncookie: open-secret\n", mode: 0o644)
        let error = await fixture.error(file: "open.yaml")
        guard case .unusableFile(key: "cookie", source: .file(fixture.path("open.yaml")), let reason) = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(reason.contains("chmod 600") && !reason.contains("open-secret"))
        // The same file private to its owner loads; a cookie from the environment is trimmed as ping trims it.
        try fixture.write("private.yaml", "name: o@127.0.0.1\ncookie: open-secret\n")
        #expect(
            try await fixture.load(file: "private.yaml").configuration.distribution?.cookie == Cookie("open-secret"))
        let trimmed = try await fixture.load(environment: ["PARTISAN_NAME": "o@127.0.0.1", "PARTISAN_COOKIE": "s3 \n"])
        #expect(trimmed.configuration.distribution?.cookie == Cookie("s3"))
    }
}
