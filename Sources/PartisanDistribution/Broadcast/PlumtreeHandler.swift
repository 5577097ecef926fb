import PartisanCore

/// The owner of the payloads a ``Plumtree`` broadcasts: Partisan's
/// `partisan_plumtree_broadcast_handler`. Plumtree moves messages; the handler decides what a
/// message id means, keeps what was delivered and answers anti-entropy exchanges.
///
/// A message is an `id` (unique per broadcast, for example a key and a version) and a
/// `payload`. The handler must be deterministic and must not do I/O.
public protocol PlumtreeHandler: Sendable {
    /// Whether the message `id` is already known here, or superseded by a newer one (then a
    /// copy of it is a duplicate, and an announcement of it is not worth a GRAFT).
    func isStale(_ id: Term) -> Bool

    /// Delivers the message `id` with `payload`; returns whether it was new (`false` for a
    /// duplicate or a stale message, which must leave the state as it is).
    mutating func merge(id: Term, payload: Term) -> Bool

    /// The payload of message `id`, to answer a GRAFT; `nil` when it is not held (any more).
    func payload(for id: Term) -> Term?

    /// A summary of what this node holds, sent to a peer in an anti-entropy exchange.
    func exchangeSummary() -> Term

    /// The messages a peer whose ``exchangeSummary()`` is `summary` lacks (or holds older
    /// versions of), in a deterministic order.
    func missing(from summary: Term) -> [(id: Term, payload: Term)]
}
