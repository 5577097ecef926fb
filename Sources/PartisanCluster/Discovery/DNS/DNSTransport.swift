import NIOCore
import NIOPosix

/// One query's exchange with a nameserver over SwiftNIO: UDP, and TCP when the UDP answer is
/// truncated (RFC 1035 §4.2, RFC 7766).
enum DNSTransport {
    /// The largest UDP datagram read; longer ones are cut by the socket and fail to parse.
    static let maxDatagram = 65_535
    /// The most datagrams that are not the answer (wrong source, ID or question) one exchange
    /// reads before it gives up: a flood of strays cannot keep a look-up busy forever.
    static let maxStrayDatagrams = 64

    /// Sends `query` to `server` over UDP and returns the first datagram from `server` that
    /// answers it, or `nil` when none came within `timeout`.
    static func udp(
        _ query: DNSQuery, to server: SocketAddress, timeout: Duration, group: any EventLoopGroup
    ) async throws -> DNSResponse? {
        let local = server.protocol == .inet6 ? "::" : "0.0.0.0"
        let channel = try await DatagramBootstrap(group: group)
            .channelOption(
                .recvAllocator,
                value: FixedSizeRecvByteBufferAllocator(
                    capacity: min(max(query.udpPayloadSize ?? 512, 512), maxDatagram))
            )
            .bind(host: local, port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await withDeadline(timeout) {
            try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(AddressedEnvelope(remoteAddress: server, data: ByteBuffer(bytes: query.bytes)))
                var strays = 0
                for try await envelope in inbound {
                    if envelope.remoteAddress == server {
                        do {
                            return try DNSResponse(Array(buffer: envelope.data), answering: query)
                        } catch DNSResponse.Rejection.failed(let error) {
                            throw error
                        } catch {
                            // Not the answer (another ID or question): keep listening.
                        }
                    }
                    strays += 1
                    if strays >= maxStrayDatagrams { return nil }
                }
                return nil
            }
        } ?? nil
    }

    /// Sends `query` to `server` over TCP (two length bytes, then the message) and returns the
    /// answer; throws ``DNSError/tcpFailed(server:reason:)`` or a parse error.
    static func tcp(
        _ query: DNSQuery, to server: SocketAddress, timeout: Duration, group: any EventLoopGroup
    ) async throws -> DNSResponse {
        let failed = { @Sendable (reason: String) in
            DNSError.tcpFailed(server: DNSResolver.describe(server), reason: reason)
        }
        let answer = try await withDeadline(timeout) { () async throws -> [UInt8]? in
            let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
            do {
                channel = try await ClientBootstrap(group: group)
                    .connectTimeout(
                        .nanoseconds(
                            timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
                    )
                    .connect(to: server) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        }
                    }
            } catch {
                throw failed("cannot connect")
            }
            return try await channel.executeThenClose { inbound, outbound in
                let message = query.bytes
                var out = ByteBuffer()
                out.writeInteger(UInt16(message.count))
                out.writeBytes(message)
                try await outbound.write(out)
                var received = ByteBuffer()
                for try await chunk in inbound {
                    var chunk = chunk
                    received.writeBuffer(&chunk)
                    guard let length = received.getInteger(at: received.readerIndex, as: UInt16.self) else { continue }
                    let total = Int(length) + 2
                    if received.readableBytes >= total {
                        return received.getBytes(at: received.readerIndex + 2, length: Int(length))
                    }
                }
                return nil
            }
        }
        guard let completed = answer else { throw failed("no answer within the timeout") }
        guard let answer = completed else { throw failed("the connection closed before the whole answer") }
        let response: DNSResponse
        do {
            response = try DNSResponse(answer, answering: query)
        } catch .mismatch {
            throw failed("the answer does not match the query")
        } catch .failed(let error) {
            throw error
        }
        guard !response.truncated else { throw failed("truncated over TCP") }
        return response
    }

    /// Runs `body`, or returns `nil` once `timeout` passed (cancelling it).
    static func withDeadline<T: Sendable>(
        _ timeout: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
