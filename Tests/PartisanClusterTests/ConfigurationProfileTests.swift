import Foundation
import Partisan
import PartisanCluster
import PartisanTestSupport
import Testing

/// Profiles are values beneath the user's: `dev` and `prod`, chosen by one key.
@Suite struct ConfigurationProfileTests {
    /// A prod node's environment with everything prod asks for: TLS files, an advertised host,
    /// a cookie file.
    static func prodEnvironment(_ fixture: ConfigurationFixture) throws -> [String: String] {
        let authority = try TestCertificateAuthority(name: "profile CA")
        let certificate = try authority.issue(host: "10.0.0.7")
        return [
            "PARTISAN_PROFILE": "prod", "PARTISAN_NAME": "p@10.0.0.7", "PARTISAN_ADVERTISE_HOST": "10.0.0.7",
            "PARTISAN_DISCOVERY_DNS_SERVICE": "_partisan._tcp.app.default.svc.cluster.local",
            "PARTISAN_COOKIE_FILE": try fixture.write("cookie", "a-long-random-secret\n"),
            "PARTISAN_TLS_CERTIFICATE": try fixture.write("node.pem", certificate.certificatePEM),
            "PARTISAN_TLS_KEY": try fixture.write("node-key.pem", certificate.privateKeyPEM),
            "PARTISAN_TLS_CA": try fixture.write("ca.pem", authority.certificatePEM),
        ]
    }

    @Test func test_prod_runs_hyparview_with_tls_on_every_interface() async throws {
        let fixture = try ConfigurationFixture()
        let loaded = try await fixture.load(environment: try Self.prodEnvironment(fixture))
        let distribution = try #require(loaded.configuration.distribution)
        #expect(loaded.profile == .prod)
        #expect(distribution.overlay.name == "hyparview")
        #expect(distribution.listenHost == "0.0.0.0" && distribution.listenPort == 9100)
        #expect(distribution.advertisedHost == "10.0.0.7")
        #expect(distribution.tls != nil)
        #expect(
            loaded.discovery?.method == .dnsSRV && loaded.discovery?.basename == "p" && loaded.discovery?.port == 9100)
        #expect(loaded.discovery?.service == "_partisan._tcp.app.default.svc.cluster.local")
        #expect(loaded.setting("overlay.kind")?.source == .profile("prod"))
        #expect(
            loaded.setting("tls.required")
                == EffectiveSetting(key: "tls.required", value: "true", source: .profile("prod")))
    }

    @Test func test_prod_on_every_interface_announces_its_names_host_without_an_advertised_one() async throws {
        let fixture = try ConfigurationFixture()
        var environment = try Self.prodEnvironment(fixture)
        environment["PARTISAN_ADVERTISE_HOST"] = nil
        let loaded = try await fixture.load(environment: environment)
        // The kernel announces the name's host (10.0.0.7) for a wildcard listener.
        #expect(loaded.configuration.distribution?.listenHost == "0.0.0.0")
        #expect(loaded.configuration.distribution?.advertisedHost == nil)
    }

    @Test func test_prod_refuses_to_start_without_tls_a_given_cookie_or_an_srv_name() async throws {
        let fixture = try ConfigurationFixture()
        let complete = try Self.prodEnvironment(fixture)
        let cases: [(drop: [String], key: String, mentions: String)] = [
            (["PARTISAN_TLS_CERTIFICATE", "PARTISAN_TLS_KEY", "PARTISAN_TLS_CA"], "tls.certificate", "profile prod"),
            (["PARTISAN_TLS_KEY"], "tls.key", "PARTISAN_TLS_KEY"),
            (["PARTISAN_COOKIE_FILE"], "cookie", "cookie.generate is false"),
            (["PARTISAN_DISCOVERY_DNS_SERVICE"], "discovery.dns.service", "discovery dns-srv (profile prod)"),
        ]
        for (drop, key, mentions) in cases {
            var environment = complete
            for name in drop { environment[name] = nil }
            let error = await fixture.error(environment: environment)
            guard case .missing(let missing, _) = error else {
                Issue.record("without \(drop): \(String(describing: error))")
                continue
            }
            #expect(missing == key, "without \(drop)")
            #expect(error?.description.contains(mentions) == true, "\(String(describing: error))")
        }
    }

    @Test func test_the_users_values_lie_above_the_profile() async throws {
        let fixture = try ConfigurationFixture()
        try fixture.write("small.yaml", "profile: prod\noverlay:\n  kind: fullmesh\nlisten:\n  port: 9200\n")
        var environment = try Self.prodEnvironment(fixture)
        environment["PARTISAN_PROFILE"] = nil
        let loaded = try await fixture.load(file: "small.yaml", environment: environment)
        #expect(loaded.profile == .prod)
        #expect(loaded.configuration.distribution?.overlay.name == "fullmesh")
        #expect(loaded.configuration.distribution?.listenPort == 9200)
        #expect(loaded.setting("profile")?.source == .file(fixture.path("small.yaml")))
        // A flag chooses the profile over the file's key.
        let dev = try await fixture.load(
            file: "small.yaml", environment: ["PARTISAN_NAME": "d@127.0.0.1"], flags: [("--profile", "profile", "dev")])
        #expect(dev.profile == .dev)
        #expect(dev.configuration.distribution?.listenHost == "127.0.0.1")
    }

    @Test func test_dev_runs_a_full_mesh_on_loopback_with_a_generated_private_cookie() async throws {
        let fixture = try ConfigurationFixture()
        let loaded = try await fixture.load(environment: ["PARTISAN_PROFILE": "dev", "PARTISAN_NAME": "d@127.0.0.1"])
        let distribution = try #require(loaded.configuration.distribution)
        #expect(distribution.overlay.name == "fullmesh")
        #expect(distribution.listenHost == "127.0.0.1")
        let cookieFile = fixture.path(".partisan.cookie")
        let attributes = try FileManager.default.attributesOfItem(atPath: cookieFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(!distribution.cookie.isWeak)
        #expect(loaded.setting("cookie.file")?.value == cookieFile)
        #expect(loaded.setting("cookie")?.value != String(decoding: distribution.cookie.bytes, as: UTF8.self))
        let again = try await fixture.load(environment: ["PARTISAN_PROFILE": "dev", "PARTISAN_NAME": "d@127.0.0.1"])
        #expect(again.configuration.distribution?.cookie == distribution.cookie)
    }
}
