import NIOSSL
import PartisanCore

/// The subject alternative names of a certificate that can name a node: DNS names, IP
/// addresses and URIs.
struct CertificateNames: Sendable, Hashable {
    /// The URI scheme of a full node name: `partisan://NAME@HOST`.
    static let nodeURIScheme = "partisan://"

    /// DNS names, as written in the certificate.
    var dnsNames: [String] = []
    /// IP addresses, 4 bytes (IPv4) or 16 (IPv6) each.
    var ipAddresses: [[UInt8]] = []
    /// URIs, as written in the certificate.
    var uris: [String] = []

    init(dnsNames: [String] = [], ipAddresses: [[UInt8]] = [], uris: [String] = []) {
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.uris = uris
    }

    /// The names in `certificate`'s subject alternative names extension.
    init(_ certificate: NIOSSLCertificate) {
        for name in certificate._subjectAlternativeNames() {
            let bytes = name.contents.withUnsafeBufferPointer { Array($0) }
            switch name.nameType {
            case .dnsName: dnsNames.append(String(decoding: bytes, as: UTF8.self))
            case .ipAddress: ipAddresses.append(bytes)
            case .uri: uris.append(String(decoding: bytes, as: UTF8.self))
            default: break
            }
        }
    }

    /// Whether one of the names is `node`'s host (a DNS name, compared without case and
    /// trailing dot; wildcards are not expanded), `node`'s host as an IPv4 or IPv6 address, or the
    /// URI `partisan://NAME@HOST` of the full node name.
    func name(_ node: Node) -> Bool {
        if uris.contains(Self.nodeURIScheme + node.name) { return true }
        if let address = Self.ipv4(node.host) ?? IPv6Literal.bytes(node.host.utf8) {
            return ipAddresses.contains(address)
        }
        let host = Self.canonical(node.host)
        return dnsNames.contains { Self.canonical($0[...]) == host }
    }

    /// A host name in lower case without its trailing dot.
    private static func canonical(_ host: Substring) -> String {
        (host.hasSuffix(".") ? host.dropLast() : host).lowercased()
    }

    /// The 4 bytes of a dotted-quad IPv4 address, or `nil` for anything else.
    static func ipv4(_ host: Substring) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ ("0"..."9").contains($0) }),
                let byte = UInt8(part)
            else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
