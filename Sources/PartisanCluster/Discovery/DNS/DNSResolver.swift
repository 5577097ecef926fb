import NIOCore
import NIOPosix
import Partisan

/// A small stub resolver on SwiftNIO: asks one nameserver for A, AAAA and SRV records.
///
/// Each look-up sends one query over UDP, waits up to ``timeout`` for the answer, tries
/// ``attempts`` times, and asks again over TCP when the answer is truncated. The answer is
/// checked against the query (ID, source address, question) and parsed as hostile input
/// (``DNSResponse`` has the bounds). There is no cache: discovery wants what the server says
/// now.
public struct DNSResolver: Sendable {
    /// The nameserver's IP address (v4 or v6), or `nil` to use the first `nameserver` line of
    /// ``resolvConfPath`` at each look-up.
    public var nameserver: String?
    /// The nameserver's port.
    public var port: Int
    /// How long one attempt waits for the answer. Default 2 s.
    public var timeout: Duration
    /// How many times a query is sent before the look-up fails. Default 2.
    public var attempts: Int
    /// The file read when ``nameserver`` is `nil`. Default `/etc/resolv.conf`.
    public var resolvConfPath: String
    /// The largest UDP answer asked for with EDNS(0) (512...65535); a longer answer comes
    /// truncated and is asked again over TCP. Default 1,232 bytes, the size that avoids IP
    /// fragmentation (DNS Flag Day 2020). A server that refuses EDNS (FORMERR) is asked again
    /// without it.
    public var udpPayloadSize: Int

    /// A resolver asking `nameserver` (an IP address; `nil` reads the system's resolv.conf) on
    /// `port`.
    public init(
        nameserver: String? = nil, port: Int = 53, timeout: Duration = .seconds(2), attempts: Int = 2,
        resolvConfPath: String = "/etc/resolv.conf", udpPayloadSize: Int = 1232
    ) {
        self.udpPayloadSize = udpPayloadSize
        self.nameserver = nameserver
        self.port = port
        self.timeout = timeout
        self.attempts = attempts
        self.resolvConfPath = resolvConfPath
    }

    /// The IPv4 and then IPv6 addresses of `name` (A, then AAAA records, CNAMEs followed);
    /// empty when the name does not exist. One of the two questions failing is tolerated (some
    /// servers refuse AAAA for names they only know A records of) as long as the other is
    /// answered.
    ///
    /// - Throws: ``DNSError`` when neither question is answered (the A question's error).
    public func addresses(of name: String) async throws -> [String] {
        var v4: [String] = []
        var failure: (any Error)?
        do { v4 = try await addresses(of: name, .a) } catch { failure = error }
        do {
            return v4 + (try await addresses(of: name, .aaaa))
        } catch {
            if let failure { throw failure }
            return v4
        }
    }

    private func addresses(of name: String, _ type: DNSRecordType) async throws -> [String] {
        try await lookUp(name, type).records(for: name.normalizedDNSName) { data in
            switch data {
            case .a: return type == .a
            case .aaaa: return type == .aaaa
            default: return false
            }
        }.compactMap {
            switch $0 {
            case .a(let address), .aaaa(let address): return address
            default: return nil
            }
        }
    }

    /// The SRV records of `name` (such as `_partisan._tcp.app.default.svc.cluster.local`),
    /// each with the target's addresses when the answer carried them; empty when the name does
    /// not exist.
    ///
    /// - Throws: ``DNSError``.
    public func services(_ name: String) async throws -> [DNSServiceRecord] {
        let response = try await lookUp(name, .srv)
        let records = response.records(for: name.normalizedDNSName) {
            if case .srv = $0 { return true }
            return false
        }
        return records.compactMap { data -> DNSServiceRecord? in
            guard case .srv(var record) = data else { return nil }
            record.addresses = response.additionals.compactMap {
                guard $0.name == record.target else { return nil }
                switch $0.data {
                case .a(let address), .aaaa(let address): return address
                default: return nil
                }
            }
            return record
        }
    }

    /// One question's answer: UDP (with retries), then TCP if it came truncated.
    func lookUp(_ name: String, _ type: DNSRecordType) async throws -> DNSResponse {
        var query = try DNSQuery(id: .random(in: .min ... .max), name: name, type: type)
        query.udpPayloadSize = min(max(udpPayloadSize, 512), DNSTransport.maxDatagram)
        let server = try await serverAddress()
        do {
            return try await exchange(query, with: server)
        } catch DNSError.serverFailure(responseCode: 1) {
            query.udpPayloadSize = nil
            return try await exchange(query, with: server)
        }
    }

    /// Asks `server` over UDP (``attempts`` times), then over TCP if the answer is truncated.
    private func exchange(_ query: DNSQuery, with server: SocketAddress) async throws -> DNSResponse {
        let group = MultiThreadedEventLoopGroup.singleton
        for _ in 0..<max(attempts, 1) {
            try Task.checkCancellation()
            guard let response = try await DNSTransport.udp(query, to: server, timeout: timeout, group: group) else {
                continue
            }
            if response.truncated {
                return try await DNSTransport.tcp(query, to: server, timeout: timeout, group: group)
            }
            return response
        }
        throw DNSError.timedOut(server: Self.describe(server))
    }

    /// `HOST:PORT` of a nameserver, for errors.
    static func describe(_ server: SocketAddress) -> String {
        ListenAddress(host: server.ipAddress ?? "?", port: server.port ?? 0).description
    }

    /// The nameserver's socket address.
    func serverAddress() async throws -> SocketAddress {
        var host = nameserver
        if host == nil { host = try await ResolvConf.firstNameserver(path: resolvConfPath) }
        guard let host, ContactAddress.isPort(port) else { throw DNSError.invalidNameserver(nameserver ?? "") }
        do {
            return try SocketAddress(ipAddress: host, port: port)
        } catch {
            throw DNSError.invalidNameserver(host)
        }
    }
}

extension String {
    /// A DNS name as the parser spells names: lower-cased, without the final dot.
    var normalizedDNSName: String {
        var name = lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
