/// A frame's payload encoded as ETF (version byte first), in two parts: the wire bytes are
/// ``head`` followed by ``tail``.
///
/// The tail is a large binary at the very end of the term (a `[UInt8]` message's bytes), kept
/// as the sender's own array rather than copied into the head: the frame is then built with
/// one copy of those bytes, not two.
struct EncodedMessage {
    /// The bytes up to the tail.
    var head: [UInt8]
    /// The bytes after the head; empty for most messages.
    var tail: [UInt8] = []

    /// The length of the whole encoding.
    var count: Int { head.count + tail.count }
}
