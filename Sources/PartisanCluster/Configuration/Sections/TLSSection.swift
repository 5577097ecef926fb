import Partisan

/// `tls.certificate`, `tls.key`, `tls.ca`, `tls.required`: mutual TLS on every connection.
/// The three files go together; `tls.required` (the `prod` profile sets it) makes them
/// mandatory.
enum TLSSection: ConfigurationSection {
    static let certificate = ConfigurationKey(
        "tls.certificate", .path, defaultValue: "-",
        summary: "PEM certificate (chain) the node presents; with tls.key and tls.ca every connection runs mutual TLS.",
        flag: "--tls-cert")
    static let key = ConfigurationKey(
        "tls.key", .path, defaultValue: "-", summary: "PEM private key of tls.certificate (unencrypted).",
        flag: "--tls-key")
    static let ca = ConfigurationKey(
        "tls.ca", .path, defaultValue: "-", summary: "PEM certificate(s) of the CA peers' certificates must lead to.",
        flag: "--tls-ca")
    static let required = ConfigurationKey(
        "tls.required", .boolean, defaultValue: "false",
        summary: "Whether the node refuses to start without TLS (the prod profile sets it).")

    static let keys = [certificate, key, ca, required]

    static func apply(
        _ settings: SettingsReader, to configuration: inout PartisanNode.Configuration, context: ConfigurationContext
    ) throws(ConfigurationError) {
        let files = try [certificate, key, ca].map { (key) throws(ConfigurationError) in (key, try settings.text(key)) }
        let isRequired = try settings.boolean(required)
        if isRequired == nil { settings.recordDefault(required) }
        let given = files.filter { $0.1 != nil }
        for (key, value) in files where value == nil { settings.recordDefault(key) }
        guard given.count == 3, let certificate = files[0].1, let key = files[1].1, let ca = files[2].1 else {
            if given.isEmpty && isRequired != true { return }
            let missing = files.filter { $0.1 == nil }.map(\.0)
            let reason =
                given.isEmpty
                ? "TLS is required (tls.required from \(settings.source(of: required) ?? .defaultValue)): "
                    + "set tls.certificate, tls.key and tls.ca"
                : "tls.certificate, tls.key and tls.ca go together (\(given.map(\.0.name).joined(separator: ", ")) "
                    + "set, \(missing.map(\.environmentVariable).joined(separator: ", ")) or its flag missing)"
            throw .missing(key: missing[0].name, reason: reason)
        }
        do {
            configuration.distribution?.tls = try TransportTLS.mutual(
                certificateChainFile: certificate.value, privateKeyFile: key.value, trustRootsFile: ca.value)
        } catch {
            throw .unusableFile(key: "tls", source: certificate.source, reason: "\(error)")
        }
    }
}
