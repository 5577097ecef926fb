/// Why TLS settings could not be made from their files.
///
/// Every case names the file it is about. None ever carries the contents of a file: a key
/// that cannot be parsed is reported by its path only.
public enum TLSSettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// There is no file at `path`.
    case fileNotFound(path: String)
    /// The file at `path` exists but cannot be read: `reason` is the system's word for it
    /// (permission denied, is a directory, larger than the limit).
    case fileUnreadable(path: String, reason: String)
    /// The file at `path` holds no PEM certificate, or one that cannot be parsed.
    case invalidCertificate(path: String)
    /// The file at `path` holds no unencrypted PEM private key that can be parsed (encrypted
    /// keys are not supported).
    case invalidPrivateKey(path: String)
    /// The certificate chain and the private key do not make a usable identity (most often:
    /// the key does not belong to the chain's first certificate); `reason` is BoringSSL's.
    case unusableIdentity(certificateChainFile: String, privateKeyFile: String, reason: String)
    /// BoringSSL refused the settings as a whole; `reason` is its word for it.
    case rejected(reason: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path): "no such file: \(path)"
        case .fileUnreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .invalidCertificate(let path): "no valid PEM certificate in \(path)"
        case .invalidPrivateKey(let path): "no valid unencrypted PEM private key in \(path)"
        case .unusableIdentity(let chain, let key, let reason):
            "the private key in \(key) does not fit the certificate in \(chain): \(reason)"
        case .rejected(let reason): "TLS settings refused: \(reason)"
        }
    }
}
