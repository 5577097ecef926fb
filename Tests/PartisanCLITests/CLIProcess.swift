import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// One `partisan` OS process started by a test, its stdout and stderr going to temporary files.
///
/// Files, not pipes: a test reads them whenever it likes, nothing blocks on a full pipe or
/// waits for an end of file, and a descriptor inherited by another child cannot keep
/// anything open. Tests always kill what they start (``kill()``).
final class CLIProcess: Sendable {
    /// Where the built `partisan` binary is: `PARTISAN_CLI`, or next to the test bundle in the
    /// build directory (`swift build` builds it; `swift test` alone may not). `nil` if missing.
    static let binary: URL? = {
        let fileManager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["PARTISAN_CLI"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("partisan")
            if fileManager.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }()

    /// The `HOME` of every process a test starts unless it sets its own: a fresh directory, so
    /// a process that falls back to the default cookie file (`~/.partisan.cookie`) never
    /// creates or reads one in the real home directory.
    static let home: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-cli-home-\(UUID())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The environment of a process: this one's, with `HOME` set to ``home``, without any
    /// `PARTISAN_*` variable (the test run's switches, such as `PARTISAN_HOSTILE_TESTS`, are
    /// not configuration keys, which `partisan node` refuses), then `overrides` applied.
    static func environment(_ overrides: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PARTISAN_") }
        environment["HOME"] = home.path
        environment.merge(overrides) { _, override in override }
        return environment
    }

    private let pid: pid_t
    private let arguments: [String]
    /// The wait status once the process has been reaped (`waitpid`); `nil` while it runs.
    private let waitStatus = Mutex<Int32?>(nil)
    private let outURL: URL
    private let errURL: URL

    /// Starts `partisan arguments...` in the environment ``environment(_:)`` makes of
    /// `environment`, in a process group of its own, with default signal handling, stdin from
    /// `/dev/null`, and no descriptor of this process but stdout and stderr (files).
    ///
    /// Spawns with `posix_spawn` rather than Foundation's `Process`: `Process.run()` of the
    /// toolchain's Foundation (6.3.1) reads past a buffer while listing `/proc/self/fd` and
    /// crashes the test process now and then (swift-corelibs-foundation PR 5472), more often
    /// the more descriptors the in-process node tests hold open beside these tests.
    ///
    /// - Parameter executable: the program to run, `partisan` (``binary``) when `nil`.
    init(_ arguments: [String], environment: [String: String] = [:], executable: URL? = nil) throws {
        guard let binary = executable ?? Self.binary else { throw CLIError.binaryMissing }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("partisan-cli-test-\(UUID())")
        outURL = base.appendingPathExtension("out")
        errURL = base.appendingPathExtension("err")
        for url in [outURL, errURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        self.arguments = arguments

        #if canImport(Glibc)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
            let closeOthers: Int32 = 0
        #else
            var actions: posix_spawn_file_actions_t = nil
            var attributes: posix_spawnattr_t = nil
            let closeOthers = Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY, 0)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes,
            Int16(Int32(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | closeOthers))

        let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
        let envp = Self.environment(environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, binary.path, &actions, &attributes, argv, envp)
        guard result == 0 else { throw CLIError.spawnFailed(String(cString: strerror(result))) }
        self.pid = pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's
    /// `Glibc` module does not declare; `nil` where it is missing (the descriptors this
    /// process opens through SwiftNIO are close-on-exec anyway) and on Darwin, which has
    /// `POSIX_SPAWN_CLOEXEC_DEFAULT` instead.
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32)? = {
            #if canImport(Glibc)
                guard
                    let symbol = dlsym(
                        UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
                else { return nil }
                return unsafeBitCast(
                    symbol,
                    to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self)
            #else
                return nil
            #endif
        }()

    deinit {
        kill()
        waitStatus.withLock { status in
            guard status == nil else { return }
            var raw: Int32 = 0
            if waitpid(pid, &raw, 0) == pid { status = raw }
        }
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }

    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }
    var isRunning: Bool { reap() == nil }
    /// The OS process id (to read `/proc/PID/status`).
    var processIdentifier: Int32 { pid }

    /// The wait status, reaping the process if it has exited; `nil` while it runs.
    private func reap() -> Int32? {
        waitStatus.withLock { status in
            if status == nil {
                var raw: Int32 = 0
                let reaped = waitpid(pid, &raw, WNOHANG)
                if reaped == pid {
                    status = raw
                } else if reaped < 0 {
                    status = -1
                }
            }
            return status
        }
    }

    /// Sends `signal` (SIGKILL, SIGTERM, ...) if the process still runs. Under the lock that
    /// reaping takes, so a reaped process's pid (which the system may give to another) is
    /// never signalled.
    func signal(_ number: Int32) {
        waitStatus.withLock { status in
            if status == nil { _ = Foundation.kill(pid, number) }
        }
    }

    /// SIGKILL: what teardown does to every process a test started.
    func kill() { signal(SIGKILL) }

    /// Waits for the process to exit; returns its exit status (the signal's number if a
    /// signal ended it).
    func waitForExit(timeout: Duration) async throws -> Int32 {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = reap() {
                // WIFEXITED: the low 7 bits are 0, the code is in the next byte.
                return status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
            }
            guard clock.now < deadline else {
                kill()
                throw CLIError.timedOut("partisan \(arguments)", stdout: stdout, stderr: stderr)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// A port no socket of this machine is bound to at the moment of asking, below the
    /// kernel's ephemeral range (32768 and up), so that no node of a test running beside this
    /// one, listening on port 0, is given it before the caller binds it.
    static func freePort() throws -> Int {
        for _ in 0..<64 {
            let port = Int.random(in: 20_000..<32_000)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw CLIError.spawnFailed("no socket: \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let bound = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            if bound { return port }
        }
        throw CLIError.spawnFailed("no free port below the ephemeral range")
    }

    /// Runs `partisan arguments...` to completion: its exit status, stdout and stderr.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(30)
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try CLIProcess(arguments, environment: environment)
        defer { process.kill() }
        let status = try await process.waitForExit(timeout: timeout)
        return (status, process.stdout, process.stderr)
    }
}

enum CLIError: Error, CustomStringConvertible {
    case binaryMissing
    case spawnFailed(String)
    case timedOut(String, stdout: String, stderr: String)

    var description: String {
        switch self {
        case .binaryMissing: "the partisan binary is not built: run `swift build` first (or set PARTISAN_CLI)"
        case .spawnFailed(let why): "cannot start the partisan binary: \(why)"
        case .timedOut(let what, let stdout, let stderr): "\(what) did not exit; stdout: \(stdout) stderr: \(stderr)"
        }
    }
}
