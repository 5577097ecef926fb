import Partisan

/// Parses and checks the `HOST:PORT` text of a contact, from code, a file or a DNS answer.
///
/// Hosts are host names (letters, digits, `-`, `_`, `.`, at most 253 characters), IPv4
/// addresses, or IPv6 addresses in brackets (`[::1]:9100`). Anything else is refused, so a
/// contact's host is safe to log and to dial.
enum ContactAddress {
    /// Parses `text` as `HOST:PORT`, `[IPv6]:PORT`, or (with `defaultPort`) a bare `HOST` or
    /// `[IPv6]`; `option` names the source in the error.
    static func parse(_ text: String, defaultPort: Int? = nil, option: String) throws(ClusterDiscoveryError)
        -> ListenAddress
    {
        let invalid = ClusterDiscoveryError.invalidAddress(text, option: option)
        guard text.utf8.count <= 300 else { throw invalid }
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { throw invalid }
                portText = rest.dropFirst()
            }
            guard isIPv6(host) else { throw invalid }
        } else {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw invalid }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
            guard isHostName(host) else { throw invalid }
        }
        let port: Int
        if let portText {
            guard let value = Int(portText), isPort(value) else { throw invalid }
            port = value
        } else {
            guard let defaultPort else { throw invalid }
            port = defaultPort
        }
        return ListenAddress(host: String(host), port: port)
    }

    /// Whether `port` is a TCP port one can dial (1...65535).
    static func isPort(_ port: Int) -> Bool { (1...65535).contains(port) }

    /// Whether `host` is a host name or an IPv4 address: ASCII letters, digits, `-`, `_` and
    /// `.`, labels of 1...63 characters, at most 253 in all.
    static func isHostName(_ host: some StringProtocol) -> Bool {
        let bytes = host.utf8
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        var label = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "."):
                guard label > 0 else { return false }
                label = 0
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                label += 1
                guard label <= 63 else { return false }
            default: return false
            }
        }
        return true
    }

    /// Whether `host` looks like an IPv6 address: hex digits, `:` and `.` (an embedded IPv4),
    /// at least two colons, at most 45 characters.
    static func isIPv6(_ host: some StringProtocol) -> Bool {
        let bytes = host.utf8
        guard bytes.count >= 2, bytes.count <= 45 else { return false }
        var colons = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: ":"): colons += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "."):
                break
            default: return false
            }
        }
        return colons >= 2
    }

    /// The node name `basename@host`, or `nil` when that is not a valid node name (an IPv6
    /// host, for now: node names cannot hold one).
    static func nodeName(basename: String, host: String) -> Node? {
        Node("\(basename)@\(host)")
    }
}
