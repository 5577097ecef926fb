import PartisanCore

/// The messages of ``Plumtree`` (the SRDS 2007 paper's, plus an anti-entropy exchange).
///
/// Wire form: `{gossip, Id, Payload, Round}` · `{i_have, Id, Round}` · `{graft, Id, Round}` ·
/// `prune` · `{exchange, Summary}` · `{exchange_reply, Summary}` · `{missing, Id, Payload}`.
public enum PlumtreeMessage: Sendable, Hashable {
    /// Eager push of a message; `round` is the number of hops it took.
    case gossip(id: Term, payload: Term, round: Int)
    /// Lazy push: the sender has message `id`.
    case iHave(id: Term, round: Int)
    /// Asks the receiver to send message `id` and to push eagerly to the sender from now on.
    case graft(id: Term, round: Int)
    /// Asks the receiver to push lazily (IHAVE only) to the sender from now on.
    case prune
    /// Starts an anti-entropy exchange with the sender's summary.
    case exchange(summary: Term)
    /// The answer to ``exchange(summary:)``: the answering node's summary.
    case exchangeReply(summary: Term)
    /// A message the receiver lacked, found by an exchange.
    case missing(id: Term, payload: Term)

    /// The message as a term.
    public var term: Term {
        switch self {
        case .gossip(let id, let payload, let round): .tuple([.atom("gossip"), id, payload, Term(integer: round)])
        case .iHave(let id, let round): .tuple([.atom("i_have"), id, Term(integer: round)])
        case .graft(let id, let round): .tuple([.atom("graft"), id, Term(integer: round)])
        case .prune: .atom("prune")
        case .exchange(let summary): .tuple([.atom("exchange"), summary])
        case .exchangeReply(let summary): .tuple([.atom("exchange_reply"), summary])
        case .missing(let id, let payload): .tuple([.atom("missing"), id, payload])
        }
    }

    /// Decodes a message; `nil` when `term` is not one.
    public init?(term: Term) {
        if term.atomValue == "prune" {
            self = .prune
            return
        }
        guard let fields = term.tupleValue, let tag = fields.first?.atomValue else { return nil }
        switch (tag, fields.count) {
        case ("gossip", 4):
            guard let round = fields[3].intValue else { return nil }
            self = .gossip(id: fields[1], payload: fields[2], round: round)
        case ("i_have", 3):
            guard let round = fields[2].intValue else { return nil }
            self = .iHave(id: fields[1], round: round)
        case ("graft", 3):
            guard let round = fields[2].intValue else { return nil }
            self = .graft(id: fields[1], round: round)
        case ("exchange", 2):
            self = .exchange(summary: fields[1])
        case ("exchange_reply", 2):
            self = .exchangeReply(summary: fields[1])
        case ("missing", 3):
            self = .missing(id: fields[1], payload: fields[2])
        default:
            return nil
        }
    }
}
