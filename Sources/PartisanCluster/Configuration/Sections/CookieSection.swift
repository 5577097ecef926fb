import Foundation
import Partisan

/// `cookie`, `cookie.file`, `cookie.generate`: the secret the cluster's nodes share.
///
/// `cookie` and `cookie.file` exclude each other within one source; across sources the higher
/// one wins (a `--cookie-file` flag over `PARTISAN_COOKIE`). With neither, `cookie.generate`
/// (true unless the profile says otherwise) reads the per-user file `~/.partisan.cookie`, made
/// with a random secret on first use, as Erlang's `~/.erlang.cookie`.
enum CookieSection: ConfigurationSection {
    static let value = ConfigurationKey(
        "cookie", .text, defaultValue: "-",
        summary: "The secret itself; prefer cookie.file (never printed or logged).", flag: "--cookie",
        isSecret: true)
    static let file = ConfigurationKey(
        "cookie.file", .path, defaultValue: "-",
        summary: "A file holding the secret, private to its owner (mode 0600).", flag: "--cookie-file")
    static let generate = ConfigurationKey(
        "cookie.generate", .boolean, defaultValue: "true",
        summary: "Without cookie or cookie.file: use ~/.partisan.cookie, made with a random secret on first use.")

    static let keys = [value, file, generate]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        let secret = try settings.text(value)
        let path = try settings.text(file)
        let mayGenerate = try settings.boolean(generate)
        if mayGenerate == nil { settings.recordDefault(generate) }
        if path == nil && secret != nil { settings.recordDefault(file) }
        let cookie: Cookie
        let source: ConfigurationSource
        switch (secret, path) {
        case (let secret?, let path?) where secret.source.precedence == path.source.precedence:
            throw .conflict(keys: [value.name, file.name], source: secret.source)
        case (let secret?, let path?) where secret.source.precedence < path.source.precedence:
            (cookie, source) = (try inline(secret.value, source: secret.source, settings), secret.source)
        case (let secret?, nil):
            (cookie, source) = (try inline(secret.value, source: secret.source, settings), secret.source)
        case (_, let path?):
            if secret == nil { settings.recordDefault(value) }
            cookie = try read(path.value, source: path.source)
            source = path.source
        case (nil, nil):
            settings.recordDefault(value)
            guard mayGenerate ?? true else {
                throw .missing(
                    key: value.name,
                    reason: "set cookie.file (PARTISAN_COOKIE_FILE, --cookie-file) or cookie (PARTISAN_COOKIE): "
                        + "cookie.generate is false")
            }
            guard let home = context.homeDirectory, !home.isEmpty else {
                throw .missing(
                    key: value.name,
                    reason: "set cookie.file or cookie, or HOME for the default file ~/\(CookieFile.defaultFileName)")
            }
            let defaultPath =
                home.hasSuffix("/") ? home + CookieFile.defaultFileName : "\(home)/\(CookieFile.defaultFileName)"
            settings.recordDefault(ConfigurationKey(file.name, .path, defaultValue: defaultPath, summary: file.summary))
            guard context.createsCookieFile || access(defaultPath, F_OK) == 0 else {
                return  // Checking only: the file is made when the node starts.
            }
            do {
                try CookieFile.createIfMissing(defaultPath)
            } catch {
                throw .unusableFile(key: file.name, source: .defaultValue, reason: error.description)
            }
            cookie = try read(defaultPath, source: .defaultValue)
            source = .defaultValue
        }
        let listenHost = configuration.distribution?.listenHost ?? "127.0.0.1"
        if cookie.isWeak && !ListenAddress.isLoopback(host: listenHost) {
            throw .badValue(
                key: value.name, source: source,
                expected: "a secret cookie: refusing to listen on \(listenHost), which is not a loopback address, "
                    + "with an empty or well-known cookie",
                got: nil)
        }
        configuration.distribution?.cookie = cookie
    }

    /// The cookie written in a source, trailing whitespace trimmed. A configuration file that
    /// holds it must be private to its owner, as a cookie file must.
    private static func inline(
        _ text: String, source: ConfigurationSource, _ settings: SettingsReader
    ) throws(ConfigurationError) -> Cookie {
        let trimmed = CookieFile.trimmed(text)
        guard !trimmed.isEmpty else { throw settings.bad(value, source, got: nil) }
        if case .file(let path) = source {
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
                throw .unusableFile(
                    key: value.name, source: source,
                    reason: "the configuration file holds the cookie and is readable or writable by group or others "
                        + "(mode 0\(String(info.st_mode & 0o777, radix: 8))): run chmod 600 on it, or move the "
                        + "cookie to a cookie.file")
            }
        }
        return Cookie(trimmed)
    }

    private static func read(_ path: String, source: ConfigurationSource) throws(ConfigurationError) -> Cookie {
        do {
            return try CookieFile.read(path)
        } catch {
            throw .unusableFile(key: file.name, source: source, reason: error.description)
        }
    }
}

extension ConfigurationSource {
    /// The rank of the source in the precedence, 0 the highest (flags).
    var precedence: Int {
        switch self {
        case .flag: 0
        case .environment: 1
        case .file: 2
        case .profile: 3
        case .defaultValue: 4
        }
    }
}
