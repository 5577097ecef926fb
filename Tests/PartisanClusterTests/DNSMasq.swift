import Foundation
import PartisanTestSupport

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A real DNS server for the tests: Debian's `dnsmasq`, unprivileged on 127.0.0.1 and a free
/// port, serving only the records the test writes.
///
/// A and AAAA records come from a hosts file in a directory dnsmasq watches (`--hostsdir`), so
/// ``setHosts(_:)`` changes them while it runs; SRV records come from its configuration file, so
/// ``setServices(_:)`` restarts it on the same port (queries in between go unanswered, as with a
/// server that is down for a moment). `CI=true` without dnsmasq fails; elsewhere the tests that
/// need it skip with a message.
final class DNSMasq: @unchecked Sendable {
    /// Where dnsmasq is, if installed.
    static let binary: String? = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/usr/local/sbin/dnsmasq"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Whether the tests needing dnsmasq can run; prints why not, and throws under CI.
    static func available() throws -> Bool {
        if binary != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            throw SetupError("dnsmasq is missing: .ci/run installs it (apt-get install -y dnsmasq-base)")
        }
        print("skipped: dnsmasq is not installed (apt-get install -y dnsmasq-base)")
        return false
    }

    struct SetupError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The UDP and TCP port it answers on.
    let port: Int
    private let directory: URL
    private var pid: pid_t = 0
    private var services: [String] = []

    /// Starts dnsmasq with `hosts` lines (`ADDRESS NAME...`) and `services` (`NAME,TARGET,PORT`).
    init(hosts: [String] = [], services: [String] = []) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-dns-\(UUID())")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("hosts"), withIntermediateDirectories: true)
        port = try Self.freePort()
        try setHostsFile(hosts)
        self.services = services
        try await start()
    }

    /// Replaces the A/AAAA records (dnsmasq re-reads the file on its own).
    func setHosts(_ lines: [String]) throws { try setHostsFile(lines) }

    /// Replaces the SRV records: restarts dnsmasq on the same port.
    func setServices(_ lines: [String]) async throws {
        stop()
        services = lines
        try await start()
    }

    /// Stops it (SIGKILL, then reaped): queries go unanswered until ``start()``.
    func stop() {
        guard pid != 0 else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        pid = 0
    }

    /// Starts it again with the current records, and waits until it answers.
    func start() async throws {
        let conf = directory.appendingPathComponent("dnsmasq.conf")
        // Authoritative for `.test`: a name it does not know is NXDOMAIN, not REFUSED (it has no
        // upstream server).
        let lines = ["local=/test/", "edns-packet-max=8192"] + services.map { "srv-host=\($0)" }
        try (lines.joined(separator: "\n") + "\n").write(to: conf, atomically: true, encoding: .utf8)
        let arguments = [
            Self.binary!, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--port=\(port)",
            "--listen-address=127.0.0.1", "--bind-interfaces", "--conf-file=\(conf.path)",
            "--hostsdir=\(directory.appendingPathComponent("hosts").path)", "--pid-file=", "--cache-size=0",
            "--log-facility=\(directory.appendingPathComponent("log").path)",
        ]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Default signal handling and an empty mask: the test process blocks or ignores some
        // signals, and a child inherits both.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard result == 0 else { throw SetupError("cannot start dnsmasq: \(String(cString: strerror(result)))") }
        let port = self.port
        try await eventually("dnsmasq answers on \(port)") { Self.answers(port: port) }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func setHostsFile(_ lines: [String]) throws {
        let hosts = directory.appendingPathComponent("hosts")
        let staging = directory.appendingPathComponent("hosts.staging")
        try (lines.joined(separator: "\n") + "\n").write(to: staging, atomically: false, encoding: .utf8)
        _ = rename(staging.path, hosts.appendingPathComponent("records").path)
    }

    /// A port free on 127.0.0.1 now for both UDP and TCP (dnsmasq binds both on it right
    /// after, and again on each restart), below the kernel's ephemeral range (32768 and up): no
    /// node or connection of a test running beside this one is given it meanwhile.
    private static func freePort() throws -> Int {
        for _ in 0..<64 {
            let port = Int.random(in: 20_000..<32_000)
            if bindable(port, type: Int32(SOCK_DGRAM.rawValue)) && bindable(port, type: Int32(SOCK_STREAM.rawValue)) {
                return port
            }
        }
        throw SetupError("cannot find a free port")
    }

    /// Whether a socket of `type` can be bound to 127.0.0.1:`port` now.
    private static func bindable(_ port: Int, type: Int32) -> Bool {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` (dnsmasq listens on TCP
    /// and UDP together).
    private static func answers(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
