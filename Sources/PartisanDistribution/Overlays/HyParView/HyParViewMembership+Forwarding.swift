import PartisanCore

/// Transitive delivery (Partisan's `forward_message` with `transitive => true`): a node sends
/// to any node of the overlay, connected to it or not, through the active views.
extension HyParViewMembership {
    /// Sends `payload` to `target` through the overlay; it arrives in
    /// ``PeerServiceUpdate/delivered`` of `target`'s manager.
    ///
    /// Directly when `target` is an active peer; otherwise the message floods the active views
    /// — each node passes it to the target if it is an active peer of its own, else to every
    /// active peer but the one it came from — for at most
    /// ``HyParViewConfiguration/forwardHopLimit`` hops. Each node relays one message id once
    /// (it remembers the last 4,096 ids), so there are no loops and one copy is delivered.
    /// Partisan relays along Plumtree's broadcast tree instead; a flood costs up to the number
    /// of links within the hop limit, so use it for control traffic, not bulk data. Best
    /// effort: with the target farther than the hop limit, or lost messages, nothing arrives.
    public mutating func forward(_ payload: Term, to target: Node) -> PeerServiceUpdate {
        if target == node {
            delivered.append((node, payload, 0))
            return finish()
        }
        forwarding.counter += 1
        let envelope = ForwardingState.Envelope(
            origin: node, counter: forwarding.counter, target: target, hops: 0, payload: payload)
        forwarding.remember(envelope.id)
        pass(envelope, except: node)
        return finish()
    }

    /// Sends `payload` to every node of the overlay by flooding the active views, as the
    /// HyParView paper's broadcast does: each node delivers it once (this node included, with
    /// 0 hops) and passes it to every active peer but the one it came from. No hop limit: the
    /// per-id de-duplication ends the flood. A stand-in until Plumtree exists; it costs one
    /// message per link.
    public mutating func broadcast(_ payload: Term) -> PeerServiceUpdate {
        forwarding.counter += 1
        let envelope = ForwardingState.Envelope(
            origin: node, counter: forwarding.counter, target: node, hops: 0, payload: payload)
        forwarding.remember(envelope.id)
        delivered.append((node, payload, 0))
        flood(envelope, except: node)
        return finish()
    }

    /// A broadcast arrived from `peer`.
    mutating func received(broadcast envelope: ForwardingState.Envelope, from peer: Node) {
        guard forwarding.remember(envelope.id) else { return }
        delivered.append((envelope.origin, envelope.payload, envelope.hops))
        flood(envelope, except: peer)
    }

    private mutating func flood(_ envelope: ForwardingState.Envelope, except peer: Node) {
        let message = HyParViewMessage.broadcast(
            origin: envelope.origin, counter: envelope.counter, hops: envelope.hops + 1, payload: envelope.payload)
        for other in active.nodes where other != peer && other != envelope.origin { send(message, to: other) }
    }

    /// A forwarded message arrived from `peer`.
    mutating func relay(_ envelope: ForwardingState.Envelope, from peer: Node) {
        guard forwarding.remember(envelope.id) else { return }
        if envelope.target == node {
            delivered.append((envelope.origin, envelope.payload, envelope.hops))
            return
        }
        pass(envelope, except: peer)
    }

    private mutating func pass(_ envelope: ForwardingState.Envelope, except peer: Node) {
        var next = envelope
        next.hops += 1
        guard next.hops <= configuration.forwardHopLimit else { return }
        let message = HyParViewMessage.forward(
            origin: next.origin, counter: next.counter, target: next.target, hops: next.hops, payload: next.payload)
        if active.contains(envelope.target) {
            send(message, to: envelope.target)
            return
        }
        guard next.hops < configuration.forwardHopLimit else { return }
        for other in active.nodes where other != peer && other != envelope.origin { send(message, to: other) }
    }
}

/// What a node remembers of forwarded messages: its own counter and the ids it has relayed.
struct ForwardingState: Sendable {
    /// A forwarded message.
    struct Envelope: Sendable {
        var origin: Node
        var counter: Int
        var target: Node
        var hops: Int
        var payload: Term
        var id: ID { ID(origin: origin, counter: counter) }
    }

    /// A forwarded message's identity.
    struct ID: Hashable, Sendable {
        var origin: Node
        var counter: Int
    }

    static let memory = 4096
    var counter = 0
    private var seen: Set<ID> = []
    private var order: [ID] = []
    private var oldest = 0

    /// Records `id`; `false` when it was already seen.
    @discardableResult
    mutating func remember(_ id: ID) -> Bool {
        guard seen.insert(id).inserted else { return false }
        if order.count < Self.memory {
            order.append(id)
        } else {
            seen.remove(order[oldest])
            order[oldest] = id
            oldest = (oldest + 1) % Self.memory
        }
        return true
    }
}
