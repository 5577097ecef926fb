import Foundation
import PartisanCluster
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The resolver against a hostile nameserver on 127.0.0.1 (a UDP socket of the test that
/// answers each query with what the test scripts): strays and spoofs are skipped, a broken
/// answer fails the look-up with an error that holds none of its bytes, a flood cannot keep it
/// busy past its timeout.
@Suite struct HostileDNSServerTests {
    /// A UDP socket on 127.0.0.1 answering every query with `replies(query)`, on a thread of
    /// its own (blocking receives stay off Swift's cooperative threads).
    final class HostileServer: Sendable {
        let port: Int
        private let fd: Int32
        private let stopped = Atomic<Bool>(false)

        init(replies: @escaping @Sendable ([UInt8]) -> [[UInt8]]) throws {
            let socketFD = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
                }
            }
            try #require(bound)
            fd = socketFD
            port = Int(UInt16(bigEndian: address.sin_port))
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !self.stopped.load(ordering: .relaxed) {
                    var peer = sockaddr_storage()
                    var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    let count = withUnsafeMutablePointer(to: &peer) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            recvfrom(self.fd, &buffer, buffer.count, 0, $0, &peerLength)
                        }
                    }
                    guard count > 0 else { continue }
                    for reply in replies(Array(buffer[..<count])) {
                        _ = withUnsafePointer(to: &peer) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                sendto(self.fd, reply, reply.count, 0, $0, peerLength)
                            }
                        }
                    }
                }
                close(self.fd)
            }
        }

        func stop() { stopped.store(true, ordering: .relaxed) }
    }

    /// The query's ID and question, echoed in a response header with `answers` answer records.
    static func response(to query: [UInt8], id: UInt16? = nil, answers: UInt16, body: [UInt8]) -> [UInt8] {
        let questionEnd = 12 + (query[12...].firstIndex(of: 0)! - 12) + 1 + 4
        let queryID = UInt16(query[0]) << 8 | UInt16(query[1])
        let useID = id ?? queryID
        return [
            UInt8(useID >> 8), UInt8(useID & 0xFF), 0x81, 0x80, 0, 1, UInt8(answers >> 8), UInt8(answers & 0xFF), 0, 0,
            0, 0,
        ]
            + query[12..<questionEnd] + body
    }

    /// An A record for the question (a pointer to it) holding `address`.
    static func aRecord(_ address: [UInt8]) -> [UInt8] { [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4] + address }

    func resolver(_ server: HostileServer) -> DNSResolver {
        DNSResolver(nameserver: "127.0.0.1", port: server.port, timeout: .seconds(3), attempts: 2)
    }

    @Test func spoofed_ids_and_strays_are_skipped_and_the_real_answer_taken() async throws {
        let server = try HostileServer { query in
            let questionNameEnd = query[12...].firstIndex(of: 0)!
            guard query[questionNameEnd + 2] == 1 else { return [] }  // A only; AAAA goes unanswered
            let wrongID = UInt16(query[0]) << 8 | UInt16(query[1]) &+ 1
            return Array(
                repeating: Self.response(to: query, id: wrongID, answers: 1, body: Self.aRecord([6, 6, 6, 6])),
                count: 20)
                + [[0xFF, 0x00, 0x13], Self.response(to: query, answers: 1, body: Self.aRecord([10, 1, 2, 3]))]
        }
        defer { server.stop() }
        #expect(try await resolver(server).addresses(of: "app.test") == ["10.1.2.3"])
    }

    @Test func a_pointer_loop_fails_the_look_up_with_a_clean_error() async throws {
        let server = try HostileServer { query in
            // The answer's owner points at itself; the rest is bytes meant to reach a log.
            let answer: [UInt8] =
                [0xC0, UInt8(12 + query[12...].firstIndex(of: 0)! - 12 + 1 + 4)] + Array("\u{1B}[31mEVIL\n".utf8)
            return [Self.response(to: query, answers: 1, body: answer)]
        }
        defer { server.stop() }
        do {
            _ = try await resolver(server).addresses(of: "app.test")
            Issue.record("a pointer loop was accepted")
        } catch let error as DNSError {
            guard case .malformedResponse = error else { throw error }
            #expect(!"\(error)".contains("EVIL") && !"\(error)".contains("\u{1B}"))
        }
    }

    @Test func a_flood_of_strays_ends_in_a_timeout_not_a_hang() async throws {
        let server = try HostileServer { query in
            let wrongID = UInt16(query[0]) << 8 | UInt16(query[1]) &+ 1
            return Array(repeating: Self.response(to: query, id: wrongID, answers: 0, body: []), count: 500)
        }
        defer { server.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: DNSError.timedOut(server: "127.0.0.1:\(server.port)")) {
            try await resolver(server).services("_p._tcp.app.test")
        }
        // Two attempts of at most 3 s each, with slack for a loaded machine.
        #expect(clock.now - start < .seconds(30))
    }
}
