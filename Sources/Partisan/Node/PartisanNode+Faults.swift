/// Fault injection on a running node, Partisan's `inject_partition/2`, `resolve_partition/1`
/// and `partitions/0`: cut the node off from peers while both keep running, to test what a
/// network split does to calls, monitors, node monitors and membership. Off by default; while
/// no partition is in force it costs one relaxed atomic load per frame (the guide
/// `Guides/Faults.md` has examples).
extension PartisanNode {
    /// Cuts this node off from `nodes` in both directions, as a network failure would: frames
    /// to them are lost, frames from them are dropped on arrival (heartbeats included), and
    /// handshakes with them fall silent and time out, while no connection is closed by the
    /// partition itself (the peers see silence, not a FIN). Failure detection then declares
    /// them down on both sides, which fires `noconnection` monitors, ``NodeDown`` and
    /// membership changes; calls to them fail with `noconnection` or time out. The cut holds
    /// until ``resolvePartition(_:)`` is given the reference returned; partitions add up.
    ///
    /// Only this node's side is cut; the peers need not cooperate. Without an overlay's
    /// failure detection (a node with no membership), sessions stay up and traffic is lost
    /// until the partition is resolved.
    ///
    /// - Throws: ``PartisanNodeError/notDistributed`` without networking.
    @discardableResult
    public func injectPartition(from nodes: [Node]) throws -> PartitionReference {
        guard let faults = kernel?.faults else { throw PartisanNodeError.notDistributed }
        return faults.injectPartition(from: nodes.filter { $0 != name })
    }

    /// Ends the partition `reference` names: traffic with its nodes flows again (unless another
    /// partition still cuts them), and the overlay's reconnection brings their sessions back.
    /// Returns whether the partition was in force.
    @discardableResult
    public func resolvePartition(_ reference: PartitionReference) -> Bool {
        kernel?.faults?.resolvePartition(reference) ?? false
    }

    /// The partitions in force on this node, oldest first.
    public func partitions() -> [NetworkPartition] { kernel?.faults?.partitions() ?? [] }
}

/// Interposition, Partisan's `add_send_interposition_fun/2`, `add_receive_interposition_fun/2`
/// and their `remove_*`: user functions on the node's send and receive paths that pass, drop,
/// delay, duplicate or rewrite each message exchanged with peers (see ``InterposedMessage``,
/// ``InterpositionVerdict``, and ``FaultSchedule`` for seeded drops, delays and reordering).
extension PartisanNode {
    /// Installs `function` on the send path under `name`: it sees every message to a peer (on
    /// every channel) before it is queued, after the functions added before it. A function of
    /// the same name is replaced.
    ///
    /// - Throws: ``PartisanNodeError/notDistributed`` without networking.
    public func addSendInterposition(named name: String, _ function: @escaping InterpositionFunction) throws {
        guard let faults = kernel?.faults else { throw PartisanNodeError.notDistributed }
        faults.addInterposition(named: name, on: .send, function)
    }

    /// Installs `function` on the receive path under `name`: it sees every message from a
    /// peer before the node reads it, after the functions added before it. A function of the
    /// same name is replaced.
    ///
    /// - Throws: ``PartisanNodeError/notDistributed`` without networking.
    public func addReceiveInterposition(named name: String, _ function: @escaping InterpositionFunction) throws {
        guard let faults = kernel?.faults else { throw PartisanNodeError.notDistributed }
        faults.addInterposition(named: name, on: .receive, function)
    }

    /// Removes the send path's function `name`; returns whether it was installed. Messages it
    /// delayed still go when their delay ends.
    @discardableResult
    public func removeSendInterposition(named name: String) -> Bool {
        kernel?.faults?.removeInterposition(named: name, on: .send) ?? false
    }

    /// Removes the receive path's function `name`; returns whether it was installed. Messages
    /// it delayed are still read when their delay ends.
    @discardableResult
    public func removeReceiveInterposition(named name: String) -> Bool {
        kernel?.faults?.removeInterposition(named: name, on: .receive) ?? false
    }

    /// The names of the functions installed on the `direction` path, in the order they run.
    public func interpositions(_ direction: InterposedMessage.Direction) -> [String] {
        kernel?.faults?.interpositions(on: direction) ?? []
    }
}
