import PartisanCore

/// HyParView's message handling: join, forward join, neighbor, disconnect, shuffle.
extension HyParViewMembership {
    /// An overlay message arrived (see ``PeerServiceManager/handle(message:from:)``).
    public mutating func handle(message term: Term, from peer: Node) -> PeerServiceUpdate {
        guard let message = HyParViewMessage(term: term) else { return finish() }
        switch message {
        case .join(let joiner):
            guard joiner.node != node else { break }
            addToActive(joiner)
            for other in active.nodes where other != joiner.node {
                send(.forwardJoin(joiner, timeToLive: configuration.activeRandomWalkLength), to: other)
            }
        case .forwardJoin(let joiner, let ttl):
            forwardJoin(joiner, timeToLive: ttl, from: peer)
        case .neighbor(let asker, let high):
            if active.contains(asker.node) || high || !active.isFull {
                addToActive(asker)
                send(.neighborAccepted(localSpec), to: asker.node)
            } else {
                addToPassive(asker)
                send(.neighborRejected(localSpec), to: asker.node)
            }
        case .fill(let asker):
            if !active.contains(asker.node), active.isFull,
                let moved = active.randomPeer(excluding: [asker.node], using: &rng)
            {
                // Splice the asker into the link with `moved`: both gain it, this node keeps its size.
                active.remove(moved.node)
                send(.handOver(localSpec, to: asker), to: moved.node)
                addToPassive(moved)
            }
            addToActive(asker)
            send(.neighborAccepted(localSpec), to: asker.node)
        case .handOver(let previous, let newcomer):
            if active.remove(previous.node) != nil { addToPassive(previous) }
            closing.append(previous.node)
            if newcomer.node != node { accept(newcomer) }
        case .neighborAccepted(let accepter):
            addToActive(accepter)
        case .neighborRejected(let rejecter):
            pending.removeAll { $0.spec.node == rejecter.node }
            if active.remove(rejecter.node) != nil { closing.append(rejecter.node) }
            addToPassive(rejecter)
        case .disconnect(let leaver):
            pending.removeAll { $0.spec.node == leaver.node }
            if active.remove(leaver.node) != nil { addToPassive(leaver) }
            closing.append(leaver.node)
        case .shuffle(let origin, let ttl, let sample):
            shuffle(from: origin, timeToLive: ttl, sample: sample, via: peer)
        case .shuffleReply(_, let sample):
            for spec in sample { addToPassive(spec, evicting: lastShuffleSample) }
        case .broadcast(let origin, let counter, let hops, let payload):
            received(
                broadcast: ForwardingState.Envelope(
                    origin: origin, counter: counter, target: node, hops: hops, payload: payload),
                from: peer)
        case .forward(let origin, let counter, let target, let hops, let payload):
            relay(
                ForwardingState.Envelope(
                    origin: origin, counter: counter, target: target, hops: hops, payload: payload),
                from: peer)
        }
        return finish()
    }

    private mutating func forwardJoin(_ joiner: NodeSpec, timeToLive ttl: Int, from peer: Node) {
        guard joiner.node != node else { return }
        if ttl <= 0 || active.count <= 1 {
            accept(joiner)
            return
        }
        if ttl == configuration.passiveRandomWalkLength { addToPassive(joiner) }
        if let next = active.randomPeer(excluding: [peer, joiner.node], using: &rng) {
            send(.forwardJoin(joiner, timeToLive: ttl - 1), to: next.node)
        } else {
            accept(joiner)
        }
    }

    /// The end of a forward join's walk: the joiner becomes an active peer, and is told so with
    /// a high-priority NEIGHBOR that it must accept.
    mutating func accept(_ joiner: NodeSpec) {
        guard !active.contains(joiner.node) else { return }
        addToActive(joiner)
        send(.neighbor(localSpec, high: true), to: joiner.node)
    }

    private mutating func shuffle(from origin: NodeSpec, timeToLive ttl: Int, sample: [NodeSpec], via peer: Node) {
        guard origin.node != node else { return }
        if ttl - 1 > 0, active.count > 1,
            let next = active.randomPeer(excluding: [peer, origin.node], using: &rng)
        {
            send(.shuffle(origin: origin, timeToLive: ttl - 1, sample: sample), to: next.node)
            return
        }
        let reply = passive.sample(sample.count, using: &rng)
        send(.shuffleReply(localSpec, sample: reply), to: origin.node)
        if !active.contains(origin.node) { transient.append((origin, tick + 1)) }
        for spec in sample { addToPassive(spec, evicting: reply.map(\.node)) }
    }
}
