import ArgumentParser
import Foundation
import Partisan

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Where every command gets the cluster's cookie, first found wins:
///
/// 1. `--cookie-file PATH` (or `--cookie VALUE`, visible to every user of the machine in `ps`:
///    prefer the file; the two exclude each other);
/// 2. the environment variable `PARTISAN_COOKIE`;
/// 3. the per-user file `$HOME/.partisan.cookie`, created on first use with a random secret
///    (32 bytes from the system's cryptographic generator, base64url) and mode 0600, as
///    Erlang's `~/.erlang.cookie`.
///
/// A cookie file must be a regular file that neither group nor others may read or write
/// (`chmod 600`), or it is refused, as Erlang refuses one; trailing whitespace and newlines
/// are trimmed, and an empty cookie is refused. The cookie itself is never printed.
struct CookieOptions: ParsableArguments {
    /// The environment variable that holds the cookie.
    static let environmentVariable = "PARTISAN_COOKIE"
    /// The per-user default file, relative to `$HOME`.
    static let defaultFileName = ".partisan.cookie"

    @Option(
        help: """
            Read the cluster's secret cookie from this file (mode 0600). Without this option or \
            --cookie: PARTISAN_COOKIE, else ~/.partisan.cookie (made with a random secret on first use).
            """)
    var cookieFile: String?

    @Option(
        help: """
            The cluster's secret cookie itself. Other users of the machine can read it in `ps`: \
            prefer --cookie-file or PARTISAN_COOKIE.
            """)
    var cookie: String?

    func validate() throws {
        if cookie != nil && cookieFile != nil {
            throw ValidationError("--cookie and --cookie-file exclude each other: pass one")
        }
        if let cookie, cookie.isEmpty { throw ValidationError("--cookie must not be empty") }
    }

    /// The cookie, from the first source that has one.
    ///
    /// - Throws: ``CookieError`` when that source cannot give a usable cookie.
    func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CookieError) -> Cookie {
        if let cookie { return Cookie(cookie) }
        if let cookieFile { return try Self.read(cookieFile) }
        if let value = environment[Self.environmentVariable] {
            let trimmed = Self.trimmed(value)
            guard !trimmed.isEmpty else { throw .emptyEnvironmentVariable(Self.environmentVariable) }
            return Cookie(trimmed)
        }
        guard let home = environment["HOME"], !home.isEmpty else { throw .noHome }
        let path = URL(fileURLWithPath: home).appendingPathComponent(Self.defaultFileName).path
        try Self.createIfMissing(path)
        return try Self.read(path)
    }

    /// `text` without trailing whitespace and newlines.
    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace || last.isNewline { text.removeLast() }
        return String(text)
    }

    /// The cookie in the file at `path`, after checking it is a regular file private to its
    /// owner.
    static func read(_ path: String) throws(CookieError) -> Cookie {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .unreadable(path, Self.errnoText()) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile(path) }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw .accessibleByOthers(path, mode: UInt32(mode)) }
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path, "\(error.localizedDescription)")
        }
        let cookie = trimmed(String(decoding: contents, as: UTF8.self))
        guard !cookie.isEmpty else { throw .emptyFile(path) }
        return Cookie(cookie)
    }

    /// Creates the default cookie file at `path` with a fresh random secret and mode 0600,
    /// unless it exists. Another process creating it at the same time is fine: the secret is
    /// written to a private temporary file first, then linked into place, which fails if the
    /// file appeared meanwhile, so a reader never sees a half-written file.
    static func createIfMissing(_ path: String) throws(CookieError) {
        guard access(path, F_OK) != 0 else { return }
        let temporary = "\(path).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw .cannotCreate(path, Self.errnoText()) }
        defer { unlink(temporary) }
        let secret = Array("\(randomSecret())\n".utf8)
        let written = secret.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fchmod(descriptor, 0o600) == 0 && fsync(descriptor) == 0
        close(descriptor)
        guard written == secret.count, synced else { throw .cannotCreate(path, Self.errnoText()) }
        guard link(temporary, path) == 0 || errno == EEXIST else { throw .cannotCreate(path, Self.errnoText()) }
    }

    /// 32 bytes from the system's cryptographic random generator, base64url without padding.
    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Why no cookie could be had; the command prints it on one line and exits with
/// ``CommandLineValues/configuration``. Never holds the cookie.
enum CookieError: Error, CustomStringConvertible {
    /// The cookie file (named, or the default one) cannot be read.
    case unreadable(String, String)
    /// The cookie file is not a regular file.
    case notARegularFile(String)
    /// Group or others may read or write the cookie file (`mode` is its permission bits).
    case accessibleByOthers(String, mode: UInt32)
    /// The cookie file holds nothing but whitespace.
    case emptyFile(String)
    /// The environment variable is set but empty.
    case emptyEnvironmentVariable(String)
    /// No cookie was given and `HOME` is not set, so there is no default file.
    case noHome
    /// The default cookie file could not be created.
    case cannotCreate(String, String)

    var description: String {
        switch self {
        case .unreadable(let path, let why): "cannot read the cookie file \(path): \(why)"
        case .notARegularFile(let path): "the cookie file \(path) is not a regular file"
        case .accessibleByOthers(let path, let mode):
            "the cookie file \(path) is readable or writable by group or others (mode "
                + "0\(String(mode, radix: 8))): it must be private to its owner, run chmod 600 \(path)"
        case .emptyFile(let path): "the cookie file \(path) is empty"
        case .emptyEnvironmentVariable(let name): "\(name) is set but empty"
        case .noHome:
            "no cookie: pass --cookie-file, or set \(CookieOptions.environmentVariable), or set HOME for the "
                + "default file ~/\(CookieOptions.defaultFileName)"
        case .cannotCreate(let path, let why): "cannot create the cookie file \(path): \(why)"
        }
    }
}
