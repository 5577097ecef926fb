import PartisanCore

/// A message with a wire form of its own, for messages that are not plain `Codable` values
/// (the behaviours' call, reply, cast and stop envelopes carry payloads of any registered
/// type).
///
/// The form is a tuple whose first element is an atom tag; nested messages inside it are
/// encoded with ``MessageCodec/encode(_:)`` and decoded by the decoder registered for the tag
/// with ``MessageCodec/registerEnvelope(tag:decode:)``.
package protocol WireEnvelope: Sendable {
    /// The envelope as a tuple tagged with its registered atom.
    func wireTerm(using codec: MessageCodec) throws -> Term
}
