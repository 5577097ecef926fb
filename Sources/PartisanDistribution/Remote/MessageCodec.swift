import PartisanCore
import Synchronization

/// Turns the messages processes send to other nodes into terms, and terms arriving from other
/// nodes back into messages: the node's type registry.
///
/// Local delivery passes values as they are; only a message to another node goes through the
/// codec. A message becomes one of these terms (its *payload*):
///
/// | message | payload |
/// |---|---|
/// | a ``Term`` | `{'$term', Term}`, delivered as that `Term` |
/// | a call's request, answer or a cast (`CallRequest`, `CallReply`, `CastRequest`) | `{'$gen_call', AliasPid, AliasRef, Request}`, `{'$gen_reply', Tag, Reply}`, `{'$gen_cast', Request}` (a call and its answer usually travel inside the `call` and `reply` control messages instead) |
/// | a ``WireEnvelope`` (the other behaviour and RPC envelopes) | its own tuple, tagged with an atom registered by ``registerEnvelope(tag:decode:)`` |
/// | any other `Encodable` value | `{Manifest, Term}`: the manifest (a binary, by default `String(reflecting: T.self)`) and the value through ``TermEncoder`` |
///
/// On arrival a `{Manifest, Term}` is decoded as the type registered under that manifest with
/// ``register(_:manifest:)``. A payload with an unknown manifest, or one that does not decode
/// as its registered type, is delivered as the value's raw `Term` rather than dropped, so
/// untyped code still sees it. A message that is not `Encodable` cannot leave its node: the
/// send is dropped and logged (sends never fail, as in Erlang).
///
/// Common types are registered from the start: `String`, `Int`, `Double`, `Bool`, `[String]`,
/// `[Int]`, `Pid`, `Ref`, `Node`, `Alias`, `RegisteredName`. Registering is thread-safe and
/// may happen at any time; both nodes must register a type under the same manifest.
public final class MessageCodec: Sendable {
    private typealias Encode = @Sendable (any Sendable) throws -> Term
    /// Appends a value's ETF bytes (no version byte) to a writer.
    private typealias EncodeETF = @Sendable (any Sendable, inout ETFWriter) throws -> Void
    private typealias Decode = @Sendable (Term) throws -> any Sendable
    /// Decodes an envelope from its tuple's elements (tag included).
    package typealias EnvelopeDecoder = @Sendable (_ elements: [Term], _ codec: MessageCodec) throws -> any Sendable

    private struct Encoder {
        let manifest: String
        let encode: Encode
        let encodeETF: EncodeETF
    }

    private struct Registry {
        var encoders: [ObjectIdentifier: Encoder] = [:]
        var decoders: [String: Decode] = [:]
        var envelopes: [String: EnvelopeDecoder] = [:]
        /// The manifest last looked up from a frame's bytes, and its decoder: consecutive
        /// messages usually share a type, and comparing bytes costs less than making and
        /// hashing a string.
        var lastDecoded: (manifest: [UInt8], decode: Decode)?
    }

    private let registry = Mutex(Registry())

    /// Creates a codec with the common types registered.
    package init() {
        register(String.self)
        register(Int.self)
        register(Double.self)
        register(Bool.self)
        register([String].self)
        register([Int].self)
        register(Pid.self)
        register(Ref.self)
        register(Node.self)
        register(Alias.self)
        register(RegisteredName.self)
        registerCallEnvelopes()
    }

    /// The manifest a type is registered under unless another is given: its fully qualified
    /// Swift name, such as `MyApp.Counter.Call`.
    public static func defaultManifest(of type: any Any.Type) -> String { String(reflecting: type) }

    /// Registers `type` so that its values arriving from other nodes are decoded as `type`
    /// (otherwise they arrive as raw ``Term``s). A later registration of the same manifest or
    /// type replaces the earlier one.
    public func register<T: Codable & Sendable>(_ type: T.Type, manifest: String? = nil) {
        let manifest = manifest ?? Self.defaultManifest(of: type)
        let encode: Encode = { value in try TermEncoder().encode(value as! T) }
        let encodeETF: EncodeETF =
            Self.scalarWriter(of: type) ?? { value, writer in
                try TermEncoder().encodeETFElement(value as! T, appendingTo: &writer.bytes)
            }
        let decode: Decode =
            Self.scalarReader(of: type) ?? { term in try TermDecoder().decode(T.self, from: term) }
        registry.withLock { registry in
            registry.encoders[ObjectIdentifier(type)] = Encoder(
                manifest: manifest, encode: encode, encodeETF: encodeETF)
            registry.decoders[manifest] = decode
            registry.lastDecoded = nil
        }
    }

    /// For the common scalar types, a writer of the bytes `TermEncoder` makes of a value,
    /// without its machinery: a remote send's payload is often one.
    private static func scalarWriter(of type: any Any.Type) -> EncodeETF? {
        switch ObjectIdentifier(type) {
        case ObjectIdentifier(Int.self):
            { value, writer in try writer.write(.integer(Int64(value as! Int)), depth: 1) }
        case ObjectIdentifier(String.self):
            { value, writer in
                let text = value as! String
                writer.writeBinaryHeader(text.utf8.count)
                writer.bytes.append(contentsOf: text.utf8)
            }
        case ObjectIdentifier(Double.self):
            { value, writer in try writer.write(.float(value as! Double), depth: 1) }
        case ObjectIdentifier(Bool.self):
            { value, writer in try writer.writeAtom(value as! Bool ? "true" : "false") }
        default:
            nil
        }
    }

    /// For the common scalar types, a reader of their usual terms that leaves any other term to
    /// `TermDecoder` (which accepts or refuses it as it would).
    private static func scalarReader(of type: any Any.Type) -> Decode? {
        switch ObjectIdentifier(type) {
        case ObjectIdentifier(Int.self):
            { term in
                if case .integer(let value) = term, let int = Int(exactly: value) { return int }
                return try TermDecoder().decode(Int.self, from: term)
            }
        case ObjectIdentifier(String.self):
            { term in
                if case .binary(let bytes) = term, let text = String(validating: bytes, as: UTF8.self) { return text }
                return try TermDecoder().decode(String.self, from: term)
            }
        default:
            nil
        }
    }

    /// Registers the decoder of envelopes whose tuple starts with the atom `tag` (see
    /// ``WireEnvelope``). A decoder that throws makes the envelope arrive as its raw term.
    package func registerEnvelope(tag: String, decode: @escaping EnvelopeDecoder) {
        registry.withLock { $0.envelopes[tag] = decode }
    }

    /// The payload term of `message`.
    ///
    /// - Throws: ``MessageCodecError/notEncodable(_:)`` when the message has no wire form, or
    ///   the error of its `Encodable` conformance.
    public func encode(_ message: any Sendable) throws -> Term {
        if let term = message as? Term { return .tuple([.atom("$term"), term]) }
        // A registered type is found by identity, before the slower protocol casts.
        if let encoder = registry.withLock({ $0.encoders[ObjectIdentifier(type(of: message))] }) {
            return .tuple([.string(encoder.manifest), try encoder.encode(message)])
        }
        if let cast = message as? any AnyCastRequest {
            return .tuple([.atom("$gen_cast"), try encode(cast.anyRequest)])
        }
        if let envelope = message as? any WireEnvelope { return try envelope.wireTerm(using: self) }
        guard let encodable = message as? any Encodable else {
            throw MessageCodecError.notEncodable(String(reflecting: type(of: message)))
        }
        return .tuple([.string(Self.defaultManifest(of: type(of: message))), try TermEncoder().encode(encodable)])
    }

    /// Appends the payload term of `message` to `writer`: the same bytes as writing
    /// ``encode(_:)``'s term, but a registered or `Encodable` value is written straight from
    /// the value, without building its term. A large `[UInt8]` (a binary on the wire) is not
    /// copied: its bytes are left in `tail`, to follow the writer's bytes, so the payload must
    /// end the term being written.
    ///
    /// - Throws: as ``encode(_:)``; `writer` may then hold a partial encoding.
    func encode(_ message: any Sendable, into writer: inout ETFWriter, tail: inout [UInt8]) throws {
        // Types compared before any cast: a cast of every message costs more than its encoding.
        if type(of: message) == [UInt8].self, let bytes = message as? [UInt8], bytes.count >= Self.tailThreshold {
            let manifest = registry.withLock { $0.encoders[ObjectIdentifier([UInt8].self)]?.manifest }
            writeManifest(manifest ?? Self.defaultManifest(of: [UInt8].self), into: &writer)
            writer.writeBinaryHeader(bytes.count)
            tail = bytes
            return
        }
        try encode(message, into: &writer)
    }

    /// The size from which a `[UInt8]` message's bytes go to the tail.
    static let tailThreshold = 1 << 10

    /// Appends the payload term of `message` to `writer` (see
    /// ``encode(_:into:tail:)``, without a tail).
    func encode(_ message: any Sendable, into writer: inout ETFWriter) throws {
        // A registered type is found by identity first; the cast to `Term` (which also sees a
        // term inside an optional) only runs for what is not a plain term or registered.
        if type(of: message) != Term.self,
            let encoder = registry.withLock({ $0.encoders[ObjectIdentifier(type(of: message))] })
        {
            writeManifest(encoder.manifest, into: &writer)
            try encoder.encodeETF(message, &writer)
            return
        }
        if let term = message as? Term {
            writer.writeSmallTupleHeader(2)
            try writer.writeAtom("$term")
            try writer.write(term, depth: 2)
            return
        }
        if let cast = message as? any AnyCastRequest {
            writer.writeSmallTupleHeader(2)
            try writer.writeAtom("$gen_cast")
            try encode(cast.anyRequest, into: &writer)
            return
        }
        if let envelope = message as? any WireEnvelope {
            try writer.write(envelope.wireTerm(using: self), depth: 1)
            return
        }
        guard let encodable = message as? any Encodable else {
            throw MessageCodecError.notEncodable(String(reflecting: type(of: message)))
        }
        writeManifest(Self.defaultManifest(of: type(of: message)), into: &writer)
        try TermEncoder().encodeETFElement(encodable, appendingTo: &writer.bytes)
    }

    /// Appends the start of a `{Manifest, Term}` payload: the tuple header and the manifest.
    private func writeManifest(_ manifest: String, into writer: inout ETFWriter) {
        writer.writeSmallTupleHeader(2)
        writer.writeBinaryHeader(manifest.utf8.count)
        writer.bytes.append(contentsOf: manifest.utf8)
    }

    /// The decoder registered under the manifest whose UTF-8 bytes are `manifest`; `nil` for an
    /// unknown manifest or one that is not UTF-8. The last one found is remembered and compared
    /// on its bytes first (see `Registry.lastDecoded`).
    private func decoder(forManifest manifest: UnsafeRawBufferPointer) -> Decode? {
        registry.withLock { registry in
            if let last = registry.lastDecoded, last.manifest.withUnsafeBytes({ $0.hasSameBytes(as: manifest) }) {
                return last.decode
            }
            guard let name = String(validating: manifest, as: UTF8.self), let decode = registry.decoders[name] else {
                return nil
            }
            registry.lastDecoded = (Array(manifest), decode)
            return decode
        }
    }

    /// The message of the payload term that `reader` reads next, `depth` levels into its frame:
    /// the same message as ``decode(_:)`` of that term, but a `{Manifest, Term}` payload is
    /// read without building the tuple or the manifest's binary. With it, the manifest when
    /// the payload is one this node cannot make typed (as ``undecodableManifest(in:)`` says).
    ///
    /// - Throws: what reading the term throws (a malformed payload).
    func decodePayload(from reader: inout ETFReader, depth: Int) throws(ETFError) -> (
        message: any Sendable, undecodedManifest: String?
    ) {
        let start = reader.offset
        if try reader.readSmallTupleHeader() == 2 {
            if let manifest = try reader.readBinaryBytes() {
                let decode = decoder(forManifest: manifest)
                let value = try reader.readTerm(atDepth: depth + 1)
                if let decode, let message = try? decode(value) { return (message, nil) }
                return (value, Self.reportedManifest(manifest))
            }
            if let tag = try reader.readAtomBytes(), tag.elementsEqual("$gen_cast".utf8) {
                return (castRequest(of: try decodePayload(from: &reader, depth: depth + 1).message), nil)
            }
        }
        reader.offset = start
        return (decode(try reader.readTerm(atDepth: depth)), nil)
    }

    /// The manifest of `payload` when it is a `{Manifest, Term}` payload that ``decode(_:)``
    /// cannot make typed on this node: no type is registered under the manifest here, or the
    /// value does not decode as the type that is. `nil` for any other payload.
    ///
    /// The manifest comes from a peer: it is cut to ``maxReportedManifestLength`` bytes and
    /// invalid UTF-8 is replaced, so it is safe to carry in an error value (not to log).
    package func undecodableManifest(in payload: Term) -> String? {
        guard case .tuple(let elements) = payload, elements.count == 2, case .binary(let bytes) = elements[0] else {
            return nil
        }
        if let decode = bytes.withUnsafeBytes({ decoder(forManifest: $0) }), (try? decode(elements[1])) != nil {
            return nil
        }
        return Self.reportedManifest(bytes)
    }

    /// The most UTF-8 bytes of a peer's manifest that errors carry (manifests are type names;
    /// longer ones are cut).
    package static let maxReportedManifestLength = 256

    /// A peer's manifest bytes as they are reported: at most ``maxReportedManifestLength``
    /// bytes, invalid UTF-8 (a character cut in two included) replaced.
    package static func reportedManifest(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.prefix(maxReportedManifestLength), as: UTF8.self)
    }

    /// The message a payload term stands for; never fails (see the type's documentation for
    /// what arrives when a payload cannot be decoded).
    public func decode(_ payload: Term) -> any Sendable {
        guard case .tuple(let elements) = payload, let first = elements.first else { return payload }
        switch first {
        case .atom("$term") where elements.count == 2:
            return elements[1]
        case .binary(let bytes) where elements.count == 2:
            guard let decode = bytes.withUnsafeBytes({ decoder(forManifest: $0) }) else { return elements[1] }
            return (try? decode(elements[1])) ?? elements[1]
        case .atom(let tag):
            guard let decode = registry.withLock({ $0.envelopes[tag] }) else { return payload }
            return (try? decode(elements, self)) ?? payload
        default:
            return payload
        }
    }
}
