import NIOCore
import PartisanCore

/// Whether an address can only be reached from the same machine, and whether it is a wildcard
/// that peers cannot dial.
extension ListenAddress {
    /// Whether ``host`` is a loopback address: an IPv4 literal in 127.0.0.0/8, the IPv6
    /// literal `::1` (or an IPv4-mapped 127.x.y.z), or the name `localhost`. Any other name is
    /// taken as reachable from elsewhere (it may resolve to an outside address), and so is the
    /// wildcard `0.0.0.0` / `::`, which listens on every interface.
    public var isLoopback: Bool { Self.isLoopback(host: host) }

    /// Whether `host` is a loopback address (see ``isLoopback``).
    public static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        if host == "localhost" { return true }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let address = try? SocketAddress(ipAddress: host, port: 0) else { return false }
        switch address {
        case .v4(let v4):
            return UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24 == 127
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            let loopback = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
            let mappedV4 = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
            return loopback || (mappedV4 && bytes[12] == 127)
        case .unixDomainSocket:
            return false
        }
    }

    /// Whether `host` is a wildcard address that listens on every interface: `0.0.0.0`, `::`
    /// (in any spelling of the all-zero IPv6 address), with or without brackets. Peers cannot
    /// dial a wildcard, so a node listening on one announces another host.
    package static func isWildcard(host: String) -> Bool {
        var host = host
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "0.0.0.0" { return true }
        return IPv6Literal.bytes(host.utf8)?.allSatisfy { $0 == 0 } ?? false
    }
}
