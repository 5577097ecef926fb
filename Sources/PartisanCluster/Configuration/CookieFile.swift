import Foundation
import Partisan

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A file that holds a cluster's cookie, with Erlang's rules for `~/.erlang.cookie`: a regular
/// file that neither group nor others may read or write (`chmod 600`), or it is refused;
/// trailing whitespace and newlines are trimmed; an empty cookie is refused. The cookie itself
/// is never printed.
public enum CookieFile {
    /// The per-user default file, relative to `$HOME`: `.partisan.cookie`.
    public static let defaultFileName = ".partisan.cookie"
    /// The largest cookie file read, in bytes.
    package static let maximumSize = 4096

    /// The cookie in the file at `path`, after checking it is a regular file private to its
    /// owner.
    public static func read(_ path: String) throws(CookieFileError) -> Cookie {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadable(path, errnoText()) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile(path) }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw .accessibleByOthers(path, mode: UInt32(mode)) }
        guard info.st_size <= maximumSize else { throw .unreadable(path, "larger than \(maximumSize) bytes") }
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path, "\(error.localizedDescription)")
        }
        let cookie = trimmed(String(decoding: contents.prefix(maximumSize), as: UTF8.self))
        guard !cookie.isEmpty else { throw .emptyFile(path) }
        return Cookie(cookie)
    }

    /// Creates the cookie file at `path` with a fresh random secret and mode 0600, unless it
    /// exists. Another process creating it at the same time is fine: the secret is written to a
    /// private temporary file first, then linked into place, which fails if the file appeared
    /// meanwhile, so a reader never sees a half-written file.
    public static func createIfMissing(_ path: String) throws(CookieFileError) {
        guard access(path, F_OK) != 0 else { return }
        let temporary = "\(path).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw .cannotCreate(path, errnoText()) }
        defer { unlink(temporary) }
        let secret = Array("\(randomSecret())\n".utf8)
        let written = secret.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fchmod(descriptor, 0o600) == 0 && fsync(descriptor) == 0
        close(descriptor)
        guard written == secret.count, synced else { throw .cannotCreate(path, errnoText()) }
        guard link(temporary, path) == 0 || errno == EEXIST else { throw .cannotCreate(path, errnoText()) }
    }

    /// 32 bytes from the system's cryptographic random generator, base64url without padding.
    package static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// `text` without trailing whitespace and newlines.
    package static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace || last.isNewline { text.removeLast() }
        return String(text)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Why a cookie file cannot be used. Never holds the cookie.
public enum CookieFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read (the path and why).
    case unreadable(String, String)
    /// The file is not a regular file.
    case notARegularFile(String)
    /// Group or others may read or write the file (`mode` is its permission bits).
    case accessibleByOthers(String, mode: UInt32)
    /// The file holds nothing but whitespace.
    case emptyFile(String)
    /// The file could not be created (the path and why).
    case cannotCreate(String, String)

    /// One line naming the file and what is wrong with it.
    public var description: String {
        switch self {
        case .unreadable(let path, let why): "cannot read the cookie file \(path): \(why)"
        case .notARegularFile(let path): "the cookie file \(path) is not a regular file"
        case .accessibleByOthers(let path, let mode):
            "the cookie file \(path) is readable or writable by group or others (mode "
                + "0\(String(mode, radix: 8))): it must be private to its owner, run chmod 600 \(path)"
        case .emptyFile(let path): "the cookie file \(path) is empty"
        case .cannotCreate(let path, let why): "cannot create the cookie file \(path): \(why)"
        }
    }
}
