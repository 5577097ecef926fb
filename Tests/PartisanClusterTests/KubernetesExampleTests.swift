import Foundation
import Partisan
import PartisanCluster
import PartisanTestSupport
import Testing
import Yams

/// `Examples/kubernetes/`: the headless service and the StatefulSet agree with each other, with
/// the prod profile and with the guide, and a pod's environment loads into the node the guide
/// describes. (No cluster runs here: what is checked is what a cluster would be given.)
@Suite struct KubernetesExampleTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Examples/kubernetes").standardized

    /// The YAML document of `name`, as nested dictionaries and arrays.
    static func manifest(_ name: String) throws -> [String: Any] {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(name) is not a YAML mapping")
    }

    /// The value at `path` (keys, or indices into arrays) in `document`.
    static func value(_ document: Any, _ path: Any...) -> Any? {
        var current: Any? = document
        for step in path {
            switch (current, step) {
            case (let mapping as [String: Any], let key as String): current = mapping[key]
            case (let sequence as [Any], let index as Int): current = index < sequence.count ? sequence[index] : nil
            default: return nil
            }
        }
        return current
    }

    /// The service, the StatefulSet's container, and the container's environment by name.
    static func parts() throws -> (service: [String: Any], set: [String: Any], container: Any, env: [String: String]) {
        let service = try manifest("service.yaml")
        let set = try manifest("statefulset.yaml")
        let container = try #require(value(set, "spec", "template", "spec", "containers", 0))
        var env: [String: String] = [:]
        for item in value(container, "env") as? [Any] ?? [] {
            if let name = value(item, "name") as? String, let text = value(item, "value") as? String {
                env[name] = text
            }
        }
        return (service, set, container, env)
    }

    @Test func the_service_and_the_stateful_set_name_the_same_dns_records() throws {
        let (service, set, container, env) = try Self.parts()
        let name = try #require(Self.value(service, "metadata", "name") as? String)
        let namespace = try #require(Self.value(service, "metadata", "namespace") as? String)
        #expect(Self.value(service, "spec", "clusterIP") as? String == "None")  // headless: one record per pod
        #expect(Self.value(service, "spec", "publishNotReadyAddresses") as? Bool == true)
        let port = try #require(Self.value(service, "spec", "ports", 0))
        let portName = try #require(Self.value(port, "name") as? String)
        let proto = try #require(Self.value(port, "protocol") as? String)
        #expect(Self.value(set, "spec", "serviceName") as? String == name)
        #expect(Self.value(set, "metadata", "namespace") as? String == namespace)
        // The SRV name Kubernetes publishes for the port, and each pod's own DNS name.
        let domain = "\(name).\(namespace).svc.cluster.local"
        #expect(env["PARTISAN_DISCOVERY_DNS_SERVICE"] == "_\(portName)._\(proto.lowercased()).\(domain)")
        #expect(env["PARTISAN_NAME"] == "app@$(POD_NAME).\(domain)")
        // The node listens where the service and prod say.
        let prodPort = try #require(ConfigurationProfile.prod.values["listen.port"].flatMap(Int.init))
        #expect(Self.value(port, "port") as? Int == prodPort && Self.value(port, "targetPort") as? Int == prodPort)
        #expect(Self.value(container, "ports", 0, "containerPort") as? Int == prodPort)
        #expect(env["PARTISAN_PROFILE"] == "prod")
        // Shutdown fits in the grace period.
        let grace = try #require(Self.value(set, "spec", "template", "spec", "terminationGracePeriodSeconds") as? Int)
        #expect(.seconds(grace) > PartisanNode.Configuration.LifecycleSettings().shutdownTimeout)
    }

    @Test func the_secrets_are_mounted_where_the_environment_points() throws {
        let (_, set, container, env) = try Self.parts()
        let volumes = try #require(Self.value(set, "spec", "template", "spec", "volumes") as? [Any])
        var secretByVolume: [String: String] = [:]
        for volume in volumes {
            if let name = Self.value(volume, "name") as? String,
                let secret = Self.value(volume, "secret", "secretName") as? String
            {
                secretByVolume[name] = secret
                // Private to the owner, as the cookie file rule asks.
                #expect((Self.value(volume, "secret", "defaultMode") as? Int).map { $0 & 0o077 == 0 } == true)
            }
        }
        var mounted: [String: String] = [:]  // mount path → secret
        for mount in Self.value(container, "volumeMounts") as? [Any] ?? [] {
            if let name = Self.value(mount, "name") as? String, let path = Self.value(mount, "mountPath") as? String {
                mounted[path] = secretByVolume[name]
            }
        }
        for variable in ["PARTISAN_COOKIE_FILE", "PARTISAN_TLS_CERTIFICATE", "PARTISAN_TLS_KEY", "PARTISAN_TLS_CA"] {
            let file = try #require(env[variable], "\(variable) not set")
            let directory = (file as NSString).deletingLastPathComponent
            #expect(mounted[directory] != nil, "\(variable)=\(file) is not on a mounted secret")
        }
        // The guide creates the secrets the manifest mounts.
        let guide = try String(
            contentsOf: Self.folder.appendingPathComponent("../../Guides/Cluster.md").standardized, encoding: .utf8)
        for secret in Set(secretByVolume.values) {
            let created = guide.contains("kubectl create secret generic \(secret)")
            #expect(created, "the guide does not create \(secret)")
        }
    }

    @Test func a_pods_environment_loads_into_a_prod_node_that_discovers_by_srv() async throws {
        let (_, _, _, env) = try Self.parts()
        let fixture = try ConfigurationFixture()
        let authority = try TestCertificateAuthority(name: "kubernetes example CA")
        let host = "app-1.app.default.svc.cluster.local"
        let certificate = try authority.issue(host: host)
        let files = [
            "cookie": "a-long-random-secret\n", "tls.crt": certificate.certificatePEM,
            "tls.key": certificate.privateKeyPEM, "ca.crt": authority.certificatePEM,
        ]
        for (name, contents) in files { try fixture.write(name, contents) }
        // The pod's environment, with its name filled in and the secrets' files here.
        var pod: [String: String] = [:]
        for (name, value) in env where name.hasPrefix("PARTISAN_") {
            var value = value.replacingOccurrences(of: "$(POD_NAME)", with: "app-1")
            if value.hasPrefix("/etc/partisan/") { value = fixture.path((value as NSString).lastPathComponent) }
            pod[name] = value
        }
        let loaded = try await fixture.load(environment: pod)
        #expect(loaded.profile == .prod)
        #expect(loaded.configuration.name.name == "app@\(host)")
        let distribution = try #require(loaded.configuration.distribution)
        #expect(distribution.listenHost == "0.0.0.0" && distribution.listenPort == 9100)
        #expect(distribution.advertisedHost == nil)  // peers dial the name's host, the pod's DNS name
        #expect(distribution.overlay.name == "hyparview" && distribution.tls != nil)
        let discovery = try #require(loaded.discovery)
        #expect(discovery.method == .dnsSRV && discovery.basename == "app")
        #expect(discovery.service == "_partisan._tcp.app.default.svc.cluster.local")
    }
}
