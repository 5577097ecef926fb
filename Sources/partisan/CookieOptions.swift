import ArgumentParser
import Foundation
import Partisan
import PartisanCluster

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
    static let defaultFileName = CookieFile.defaultFileName

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
    static func trimmed(_ text: String) -> String { CookieFile.trimmed(text) }

    /// The cookie in the file at `path` (``CookieFile/read(_:)``: a regular file private to its
    /// owner).
    static func read(_ path: String) throws(CookieError) -> Cookie {
        do {
            return try CookieFile.read(path)
        } catch {
            throw .file(error)
        }
    }

    /// Creates the default cookie file at `path` with a fresh random secret and mode 0600,
    /// unless it exists (``CookieFile/createIfMissing(_:)``).
    static func createIfMissing(_ path: String) throws(CookieError) {
        do {
            try CookieFile.createIfMissing(path)
        } catch {
            throw .file(error)
        }
    }
}

/// Why no cookie could be had; the command prints it on one line and exits with
/// ``CommandLineValues/configuration``. Never holds the cookie.
enum CookieError: Error, CustomStringConvertible {
    /// The cookie file (named, or the default one) cannot be read or made, or is refused.
    case file(CookieFileError)
    /// The environment variable is set but empty.
    case emptyEnvironmentVariable(String)
    /// No cookie was given and `HOME` is not set, so there is no default file.
    case noHome

    var description: String {
        switch self {
        case .file(let error): error.description
        case .emptyEnvironmentVariable(let name): "\(name) is set but empty"
        case .noHome:
            "no cookie: pass --cookie-file, or set \(CookieOptions.environmentVariable), or set HOME for the "
                + "default file ~/\(CookieOptions.defaultFileName)"
        }
    }
}
