/// The record types the discovery strategies ask for.
enum DNSRecordType: UInt16, Sendable {
    case a = 1
    case cname = 5
    case aaaa = 28
    case srv = 33
}

/// One resource record of an answer, the types discovery reads decoded.
struct DNSRecord: Hashable, Sendable {
    /// What a record holds.
    enum Data: Hashable, Sendable {
        /// An IPv4 address, dotted.
        case a(String)
        /// An IPv6 address, in the full colon form.
        case aaaa(String)
        /// A canonical name.
        case cname(String)
        /// A service location.
        case srv(DNSServiceRecord)
        /// Any other type, not decoded.
        case other(type: UInt16)
    }

    /// The owner name, lower-cased, without the final dot.
    var name: String
    var data: Data
}

/// A DNS SRV record: where a service runs (RFC 2782).
public struct DNSServiceRecord: Hashable, Sendable {
    /// Lower values are tried first.
    public var priority: UInt16
    /// Relative weight among records of one priority.
    public var weight: UInt16
    /// The service's port.
    public var port: Int
    /// The target host name, lower-cased, without the final dot.
    public var target: String
    /// The target's addresses when the answer's additional section gave them; empty otherwise.
    public var addresses: [String]

    /// Creates a service record.
    public init(priority: UInt16, weight: UInt16, port: Int, target: String, addresses: [String] = []) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
        self.addresses = addresses
    }
}
