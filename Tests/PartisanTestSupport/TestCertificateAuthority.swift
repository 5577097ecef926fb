import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority made at run time (a fresh P-256 key and a self-signed certificate)
/// that issues node certificates for tests: TLS tests never ship private keys.
public struct TestCertificateAuthority: Sendable {
    /// The CA's certificate, PEM: the trust root of the nodes it issues for.
    public let certificatePEM: String
    private let certificate: Certificate
    private let key: Certificate.PrivateKey

    /// Makes a CA named `name`, valid from an hour ago for a day.
    public init(name: String = "Partisan Test CA") throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName { CommonName(name) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: key)
        self.certificate = certificate
        self.key = key
        self.certificatePEM = try certificate.serializeAsPEM().pemString
    }

    /// Issues a certificate for TLS servers and clients alike (extended key usage
    /// `serverAuth` and `clientAuth`) with the given subject alternative names.
    ///
    /// - Parameters:
    ///   - commonName: the subject's common name (never checked by Partisan).
    ///   - dnsNames: DNS names, such as a node's host.
    ///   - ipAddresses: IPv4 addresses in dotted-quad form, such as `127.0.0.1`.
    ///   - uris: URIs, such as `partisan://a@127.0.0.1`.
    ///   - validFor: seconds from now the certificate stays valid; negative makes one that
    ///     expired that long ago (valid from a day before then).
    public func issue(
        commonName: String, dnsNames: [String] = [], ipAddresses: [String] = [], uris: [String] = [],
        validFor: TimeInterval = 86_400
    ) throws -> TestCertificate {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let now = Date()
        let notValidAfter = now.addingTimeInterval(validFor)
        let notValidBefore = min(now.addingTimeInterval(-3600), notValidAfter.addingTimeInterval(-86_400))
        var names = dnsNames.map(GeneralName.dnsName) + uris.map(GeneralName.uniformResourceIdentifier)
        for address in ipAddresses {
            let bytes = address.split(separator: ".").compactMap { UInt8($0) }
            guard bytes.count == 4 else { throw TestCertificateError.notAnIPv4Address(address) }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: notValidBefore, notValidAfter: notValidAfter,
            issuer: self.certificate.subject, subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: self.key)
        return TestCertificate(
            certificatePEM: try certificate.serializeAsPEM().pemString,
            privateKeyPEM: try key.serializeAsPEM().pemString)
    }

    /// Issues a certificate for a node on `host` (an IPv4 address or a DNS name): its host
    /// as an IP or DNS subject alternative name, and each of `nodes` as a
    /// `partisan://NAME@HOST` URI.
    public func issue(host: String, nodes: [String] = [], validFor: TimeInterval = 86_400) throws -> TestCertificate {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0 == "." || $0.isNumber }
        return try issue(
            commonName: nodes.first ?? host, dnsNames: isIPv4 ? [] : [host], ipAddresses: isIPv4 ? [host] : [],
            uris: nodes.map { "partisan://\($0)" }, validFor: validFor)
    }
}

/// A test asked for a certificate that cannot be made.
public enum TestCertificateError: Error, Equatable {
    /// Not a dotted-quad IPv4 address.
    case notAnIPv4Address(String)
}
