import NIOPosix

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Reads the first `nameserver` of a resolv.conf file (resolv.conf(5)), off Swift's
/// cooperative threads, at most 64 KiB of it.
enum ResolvConf {
    static func firstNameserver(path: String) async throws -> String {
        let text = try await NIOThreadPool.singleton.runIfActive { try load(path) }
        guard let server = firstNameserver(in: text) else { throw DNSError.noNameserver(path: path) }
        return server
    }

    /// The address of the first `nameserver ADDRESS` line of `text` (an IPv6 zone, `%eth0`, is
    /// dropped), if any.
    static func firstNameserver(in text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { continue }
            let address = fields[1].split(separator: "%", maxSplits: 1)[0]
            return String(address)
        }
        return nil
    }

    private static func load(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DNSError.noNameserver(path: path) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64 * 1024)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            count += n
        }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }
}
