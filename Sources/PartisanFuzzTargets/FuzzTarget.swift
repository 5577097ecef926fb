/// A fuzz target: one decoder of the wire, run on arbitrary bytes, with the properties it must
/// keep checked on every input. A broken property traps (``FuzzCheck``), which libFuzzer
/// reports as a crash and the corpus replayer as a failure.
///
/// Each target takes one input at a time on the calling thread; none keeps state between
/// inputs except caches that do not change results (a codec's manifest cache).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// ``ETF`` decoding of arbitrary bytes, re-encoding and a round trip of every decoded term,
    /// printing, ordering and `Codable` decoding of it (``ETFFuzzTarget``).
    case etf
    /// The reader of incoming process messages straight from their frames, checked against
    /// the generic decoding of the same frame (``IncomingMessageFuzzTarget``).
    case incoming
    /// The frame decoder and the handshake of a connection, as acceptor and as dialler, on
    /// an `EmbeddedChannel` (``HandshakeFuzzTarget``).
    case handshake

    /// Runs the target on one input.
    public func run(_ input: UnsafeRawBufferPointer) {
        switch self {
        case .etf: ETFFuzzTarget.run(input)
        case .incoming: IncomingMessageFuzzTarget.run(input)
        case .handshake: HandshakeFuzzTarget.run(input)
        }
    }

    /// The largest input worth trying: larger ones only repeat what smaller ones reach (a
    /// handshake frame is at most 4 KiB before authentication).
    public var maxInputLength: Int {
        switch self {
        case .etf, .incoming: 16 << 10
        case .handshake: 12 << 10
        }
    }
}
