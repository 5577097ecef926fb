import PartisanCore

/// The messages of HyParView, as in the paper and Partisan's `partisan_hyparview_peer_service_manager`.
///
/// Wire form (on the `membership` channel), `Spec` as in ``NodeSpec``'s term:
/// `{join, Spec}` · `{forward_join, Spec, TTL}` · `{neighbor, Spec, high | low}` ·
/// `{neighbor_accepted, Spec}` · `{neighbor_rejected, Spec}` · `{disconnect, Spec}` ·
/// `{fill, Spec}` · `{hand_over, Spec, NewcomerSpec}` (not in Partisan) ·
/// `{shuffle, OriginSpec, TTL, [Spec]}` · `{shuffle_reply, Spec, [Spec]}` ·
/// `{forward, Origin, Counter, Target, Hops, Payload}` · `{broadcast, Origin, Counter, Hops, Payload}`.
enum HyParViewMessage: Sendable, Equatable {
    /// A node joins through this contact.
    case join(NodeSpec)
    /// A joining node's random walk: the last node (or the one with no other active peer)
    /// takes it as an active peer; the one where the time to live equals PRWL keeps it as a
    /// passive peer.
    case forwardJoin(NodeSpec, timeToLive: Int)
    /// Asks to become an active peer; `high` priority must be accepted (the asker has no other
    /// active peer).
    case neighbor(NodeSpec, high: Bool)
    /// The answer to ``neighbor(_:high:)``: the peer is now in the answering node's active view.
    case neighborAccepted(NodeSpec)
    /// The answer to ``neighbor(_:high:)``: the answering node's active view is full.
    case neighborRejected(NodeSpec)
    /// The sender dropped this node from its active view (into its passive view).
    case disconnect(NodeSpec)
    /// Asks to become an active peer from a node with at least two free slots: a full receiver
    /// splices the asker into one of its links (see ``handOver(_:to:)``) instead of refusing.
    case fill(NodeSpec)
    /// The sender dropped this node from its active view to make room for `newcomer` (a
    /// ``fill(_:)``): this node takes `newcomer` as an active peer instead.
    case handOver(NodeSpec, to: NodeSpec)
    /// A shuffle's random walk, carrying a sample of the origin's views.
    case shuffle(origin: NodeSpec, timeToLive: Int, sample: [NodeSpec])
    /// The end of a shuffle's walk answers the origin with a sample of its passive view.
    case shuffleReply(NodeSpec, sample: [NodeSpec])
    /// A payload flooding the overlay (``HyParViewMembership/broadcast(_:)``).
    case broadcast(origin: Node, counter: Int, hops: Int, payload: Term)
    /// A payload travelling through the overlay towards `target`.
    case forward(origin: Node, counter: Int, target: Node, hops: Int, payload: Term)

    var term: Term {
        switch self {
        case .join(let spec): .tuple([.atom("join"), spec.term])
        case .forwardJoin(let spec, let ttl): .tuple([.atom("forward_join"), spec.term, Term(integer: ttl)])
        case .neighbor(let spec, let high): .tuple([.atom("neighbor"), spec.term, .atom(high ? "high" : "low")])
        case .neighborAccepted(let spec): .tuple([.atom("neighbor_accepted"), spec.term])
        case .neighborRejected(let spec): .tuple([.atom("neighbor_rejected"), spec.term])
        case .disconnect(let spec): .tuple([.atom("disconnect"), spec.term])
        case .fill(let spec): .tuple([.atom("fill"), spec.term])
        case .handOver(let spec, let newcomer): .tuple([.atom("hand_over"), spec.term, newcomer.term])
        case .shuffle(let origin, let ttl, let sample):
            .tuple([.atom("shuffle"), origin.term, Term(integer: ttl), .list(sample.map(\.term))])
        case .shuffleReply(let spec, let sample):
            .tuple([.atom("shuffle_reply"), spec.term, .list(sample.map(\.term))])
        case .broadcast(let origin, let counter, let hops, let payload):
            .tuple([.atom("broadcast"), .atom(origin.name), Term(integer: counter), Term(integer: hops), payload])
        case .forward(let origin, let counter, let target, let hops, let payload):
            .tuple([
                .atom("forward"), .atom(origin.name), Term(integer: counter), .atom(target.name),
                Term(integer: hops), payload,
            ])
        }
    }

    /// Decodes a message; `nil` when `term` is not one.
    init?(term: Term) {
        guard let fields = term.tupleValue, let tag = fields.first?.atomValue else { return nil }
        func spec(_ index: Int) -> NodeSpec? {
            index < fields.count ? try? NodeSpec(term: fields[index]) : nil
        }
        func specs(_ index: Int) -> [NodeSpec]? {
            guard index < fields.count, let list = fields[index].listValue else { return nil }
            let decoded = list.compactMap { try? NodeSpec(term: $0) }
            return decoded.count == list.count ? decoded : nil
        }
        func int(_ index: Int) -> Int? { index < fields.count ? fields[index].intValue : nil }
        func node(_ index: Int) -> Node? { index < fields.count ? fields[index].atomValue.flatMap(Node.init) : nil }
        switch (tag, fields.count) {
        case ("join", 2):
            guard let s = spec(1) else { return nil }
            self = .join(s)
        case ("forward_join", 3):
            guard let s = spec(1), let ttl = int(2) else { return nil }
            self = .forwardJoin(s, timeToLive: ttl)
        case ("neighbor", 3):
            guard let s = spec(1), let priority = fields[2].atomValue, priority == "high" || priority == "low" else {
                return nil
            }
            self = .neighbor(s, high: priority == "high")
        case ("neighbor_accepted", 2):
            guard let s = spec(1) else { return nil }
            self = .neighborAccepted(s)
        case ("neighbor_rejected", 2):
            guard let s = spec(1) else { return nil }
            self = .neighborRejected(s)
        case ("disconnect", 2):
            guard let s = spec(1) else { return nil }
            self = .disconnect(s)
        case ("fill", 2):
            guard let s = spec(1) else { return nil }
            self = .fill(s)
        case ("hand_over", 3):
            guard let s = spec(1), let newcomer = spec(2) else { return nil }
            self = .handOver(s, to: newcomer)
        case ("shuffle", 4):
            guard let origin = spec(1), let ttl = int(2), let sample = specs(3) else { return nil }
            self = .shuffle(origin: origin, timeToLive: ttl, sample: sample)
        case ("shuffle_reply", 3):
            guard let s = spec(1), let sample = specs(2) else { return nil }
            self = .shuffleReply(s, sample: sample)
        case ("broadcast", 5):
            guard let origin = node(1), let counter = int(2), let hops = int(3) else { return nil }
            self = .broadcast(origin: origin, counter: counter, hops: hops, payload: fields[4])
        case ("forward", 6):
            guard let origin = node(1), let counter = int(2), let target = node(3), let hops = int(4) else {
                return nil
            }
            self = .forward(origin: origin, counter: counter, target: target, hops: hops, payload: fields[5])
        default:
            return nil
        }
    }
}
