/// Which set of connections a connection belongs to, as its dialler announced it in the
/// handshake: one connect opens a *set* (every channel × parallelism to one peer), and a node
/// that dials back to answer a peer's set says which set it answers.
///
/// The numbers let a node tell a connection of the current session from a late one of a
/// session that has ended, which the peer's name and incarnation alone cannot: an answer to a
/// set whose session is over is closed, and a new set from a peer replaces the session its
/// older set opened (the peer would not dial again if that session were alive on its side).
package struct ConnectionSet: Sendable, Hashable, CustomStringConvertible {
    /// The dialler's number for the set, increasing within its OS process (0: not announced).
    package let number: UInt64
    /// For a set dialled back in answer to one of the peer's, that set's number (0: none).
    package let answers: UInt64

    /// A set numbered `number`, answering the peer's set `answers` (0: none).
    package init(number: UInt64, answers: UInt64 = 0) {
        self.number = number
        self.answers = answers
    }

    /// A set whose dialler did not number it (a peer of an older version).
    package static let unnumbered = ConnectionSet(number: 0)

    /// `set N`, or `set N answering M`.
    package var description: String { answers == 0 ? "set \(number)" : "set \(number) answering \(answers)" }
}
