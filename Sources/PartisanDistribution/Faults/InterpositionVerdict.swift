import PartisanCore

/// What an interposition function makes of a message: the copies that go on, each possibly
/// rewritten and delayed. No copy drops the message; one unchanged copy without delay passes
/// it; two duplicate it.
///
/// When several functions are installed on a path they run in the order they were added, each
/// on every copy the previous ones produced: a rewrite is what the next function sees, and
/// delays add up. A message ends as at most ``maxCopies`` copies; more are dropped.
public struct InterpositionVerdict: Sendable, Hashable {
    /// One copy of the message that goes on.
    public struct Copy: Sendable, Hashable {
        /// The term the copy carries instead of the message's; `nil` keeps it.
        public var term: Term?
        /// How long the copy waits before it is queued (sending) or read (receiving).
        public var delay: Duration

        /// A copy carrying `term` (`nil`: the message's own) after `delay`.
        public init(term: Term? = nil, delay: Duration = .zero) {
            self.term = term
            self.delay = delay
        }
    }

    /// The copies that go on, in order; empty drops the message.
    public var copies: [Copy]

    /// A verdict sending `copies` on.
    public init(copies: [Copy]) { self.copies = copies }

    /// The most copies one message ends as, over every function of a path.
    public static let maxCopies = 16

    /// The message goes on unchanged.
    public static let pass = InterpositionVerdict(copies: [Copy()])
    /// The message is lost.
    public static let drop = InterpositionVerdict(copies: [])

    /// The message goes on as `term`.
    public static func rewrite(_ term: Term) -> InterpositionVerdict { .init(copies: [Copy(term: term)]) }

    /// The message goes on after `delay` (Partisan's `'$delay'`). Messages behind it are not
    /// held up, so a delay reorders.
    public static func delay(_ delay: Duration) -> InterpositionVerdict { .init(copies: [Copy(delay: delay)]) }

    /// The message goes on `count` times (at least once).
    public static func duplicate(_ count: Int = 2) -> InterpositionVerdict {
        .init(copies: Array(repeating: Copy(), count: max(1, count)))
    }
}

/// A user function on a node's send or receive path (see ``InterposedMessage`` and
/// ``InterpositionVerdict``). It runs on the thread that sends, or on the connection's event
/// loop that received, for every message of its path while it is installed: it must be quick
/// and must not block.
public typealias InterpositionFunction = @Sendable (InterposedMessage) -> InterpositionVerdict
