import Logging
import NIOPosix
import Partisan
import Synchronization

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Contacts listed in a file, one per line (``HostsFile`` has the format): Erlang's
/// `.hosts.erlang`, re-read when it changes.
///
/// Each round checks the file's identity, size and modification time and re-reads it only when
/// one changed, so editing the file (or replacing it, as a Kubernetes ConfigMap update does)
/// adds the new contacts within one poll. A removed line removes nothing from the cluster. The
/// file is read off Swift's cooperative threads, at most ``maxBytes`` of it.
public struct HostsFileDiscovery: DiscoveryStrategy {
    /// The largest file read; a larger one is an error (the previous contents stay unused).
    public static let maxBytes = 1 << 20

    /// The file's path.
    public let path: String
    /// The port of hosts listed without one.
    public let defaultPort: Int
    private let logger: Logger?
    private let cache = Cache()

    /// Reads `path`, giving `defaultPort` to hosts listed without a port; invalid lines are
    /// logged (by number) to `logger`.
    ///
    /// - Throws: ``ClusterDiscoveryError/invalidSetting(option:reason:)`` for a port out of
    ///   range or an empty path.
    public init(path: String, defaultPort: Int, logger: Logger? = nil) throws(ClusterDiscoveryError) {
        guard !path.isEmpty else { throw .invalidSetting(option: "hostsFile.path", reason: "must not be empty") }
        guard ContactAddress.isPort(defaultPort) else {
            throw .invalidSetting(option: "hostsFile.defaultPort", reason: "must be in 1...65535")
        }
        self.path = path
        self.defaultPort = defaultPort
        self.logger = logger
    }

    /// `"hosts-file"`.
    public var name: String { "hosts-file" }

    /// The file's contacts (read again only if the file changed).
    ///
    /// - Throws: ``ClusterDiscoveryError/unreadableFile(path:reason:)``.
    public func discover() async throws -> [DiscoveredContact] {
        let path = self.path
        let known = cache.state.withLock { $0.stamp }
        let read = try await NIOThreadPool.singleton.runIfActive { try Self.load(path, unless: known) }
        guard let (stamp, text) = read else {
            return cache.state.withLock { $0.contacts }
        }
        let parsed = HostsFile.parse(text, defaultPort: defaultPort)
        if !parsed.invalidLines.isEmpty {
            logger?.warning(
                "hosts file has invalid lines; they are skipped",
                metadata: ["path": "\(path)", "lines": "\(parsed.invalidLines.prefix(20).map(String.init))"])
        }
        let contacts = parsed.contacts.map { DiscoveredContact(address: $0) }
        cache.state.withLock { $0 = Cache.State(stamp: stamp, contacts: contacts) }
        return contacts
    }

    /// What identifies one version of the file without reading it.
    struct Stamp: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    /// The last version read and its contacts.
    final class Cache: Sendable {
        struct State {
            var stamp: Stamp?
            var contacts: [DiscoveredContact] = []
        }
        let state = Mutex(State())
    }

    /// Reads the file unless its stamp is `known`; blocking, so it runs on a thread pool.
    private static func load(_ path: String, unless known: Stamp?) throws -> (Stamp, String)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw unreadable(path, errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw unreadable(path, errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ClusterDiscoveryError.unreadableFile(path: path, reason: "not a regular file")
        }
        #if canImport(Glibc)
            let modified = info.st_mtim
        #else
            let modified = info.st_mtimespec
        #endif
        let stamp = Stamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            seconds: Int(modified.tv_sec), nanoseconds: Int(modified.tv_nsec))
        if stamp == known { return nil }
        guard info.st_size <= maxBytes else {
            throw ClusterDiscoveryError.unreadableFile(path: path, reason: "larger than \(maxBytes) bytes")
        }
        var bytes = [UInt8](repeating: 0, count: maxBytes + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw unreadable(path, errno) }
            if n == 0 { break }
            count += n
        }
        guard count <= maxBytes else {
            throw ClusterDiscoveryError.unreadableFile(path: path, reason: "larger than \(maxBytes) bytes")
        }
        return (stamp, String(decoding: bytes[..<count], as: UTF8.self))
    }

    private static func unreadable(_ path: String, _ code: Int32) -> ClusterDiscoveryError {
        .unreadableFile(path: path, reason: String(cString: strerror(code)))
    }
}
