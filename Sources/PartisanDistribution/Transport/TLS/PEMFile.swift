#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the small files TLS settings come from (certificates, keys), telling a missing file
/// from an unreadable one.
enum PEMFile {
    /// The largest file read; a certificate bundle is a few KiB.
    static let maximumSize = 1 << 20

    /// The bytes of the file at `path`.
    static func contents(of path: String) throws(TLSSettingsError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .fileNotFound(path: path) }
            throw .fileUnreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            guard count > 0 else {
                let code = errno
                if code == EINTR { continue }
                throw .fileUnreadable(path: path, reason: String(cString: strerror(code)))
            }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= maximumSize else {
                throw .fileUnreadable(path: path, reason: "larger than \(maximumSize) bytes")
            }
        }
        return bytes
    }

    /// Overwrites `bytes` with zeros: the copy of a private key read from its file does not
    /// stay in memory after it was parsed.
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            memset(base, 0, buffer.count)
        }
    }
}
