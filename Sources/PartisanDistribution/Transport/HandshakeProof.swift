import Crypto

/// The cookie proofs of the handshake: who proves, to whom, over what.
///
/// Both hellos are hashed into a transcript, exactly as their frames crossed the wire (the
/// dialler's first), so the transcript covers both nonces, both names and creations, the
/// channel, index, set and lane of the connection. Each side's proof is
///
/// ```
/// HMAC-SHA256(Cookie, "partisan-handshake-2" ‖ 0 ‖ Role ‖ 0 ‖ SHA-256(Transcript) ‖ Binding)
/// Transcript = u32(len HelloD) ‖ HelloD ‖ u32(len HelloA) ‖ HelloA
/// ```
///
/// where `Role` is `dialler` or `acceptor` (the direction: a proof one side gives is never the
/// proof the other side must give) and `Binding` is empty on plain TCP or the TLS channel's
/// binding bytes. The dialler proves first; the acceptor proves only after verifying the
/// dialler's proof, so a peer that has not proved itself never obtains a proof from an acceptor
/// (see `Guides/Security.md` for why relays, reflections and replays fail).
struct HandshakeProof {
    /// Which side of the connection gives a proof.
    enum Role: String {
        case dialler
        case acceptor
    }

    /// A proof's length in bytes (an HMAC-SHA256).
    static let length = 32
    /// Separates these proofs from any other use of the cookie.
    private static let label = Array("partisan-handshake-\(HandshakeMessage.version)".utf8)

    /// `SHA-256(u32(len dialler) ‖ dialler ‖ u32(len acceptor) ‖ acceptor)` of the two hellos'
    /// frame payloads.
    let transcript: [UInt8]

    /// The transcript of the hellos `dialler` and `acceptor` sent, as their frames' payloads.
    init(diallerHello dialler: some Collection<UInt8>, acceptorHello acceptor: some Collection<UInt8>) {
        var hash = SHA256()
        for hello in [Array(dialler), Array(acceptor)] {
            let count = UInt32(hello.count)
            hash.update(data: [
                UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF),
            ])
            hash.update(data: hello)
        }
        transcript = Array(hash.finalize())
    }

    /// The proof `role` gives under `cookie` on a channel with `binding`.
    func mac(_ role: Role, cookie: Cookie, binding: [UInt8]) -> [UInt8] {
        Array(
            HMAC<SHA256>.authenticationCode(
                for: data(role, binding: binding), using: SymmetricKey(data: cookie.bytes)))
    }

    /// Whether `mac` is the proof `role` gives under `cookie` with `binding`; compares in
    /// constant time.
    func verify(_ mac: [UInt8], from role: Role, cookie: Cookie, binding: [UInt8]) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(
            mac, authenticating: data(role, binding: binding), using: SymmetricKey(data: cookie.bytes))
    }

    private func data(_ role: Role, binding: [UInt8]) -> [UInt8] {
        Self.label + [0] + Array(role.rawValue.utf8) + [0] + transcript + binding
    }
}
