import PartisanCore
import Synchronization

/// The network faults injected on one node's transport: the partitions in force, and the
/// interposition functions on its send and receive paths (see ``InterpositionVerdict``).
///
/// A partition cuts this node off from some nodes the way a network failure would, on this
/// node's side only, so the peers need not cooperate (as Partisan's `inject_partition/2`):
/// - frames to a cut node are dropped when queued (``Connection/send(frame:key:)``), on every
///   channel, heartbeats included; nothing is closed, so the peer sees no FIN, only silence;
/// - frames from a cut node are dropped on arrival (``ConnectionHandler``), before the kernel
///   or the overlay sees them;
/// - a handshake with a cut node, dialled either way, falls silent once the peer's hello names
///   it (``HandshakeHandler``): this side sends nothing more and reads nothing more, and
///   closes the connection without a word to the peer at the handshake's timeout, or within
///   100 ms of the partition's resolve.
///
/// Failure detection then does the rest: the overlay's heartbeats stop arriving on both sides,
/// each side declares the other down (``NodeDownReason/heartbeatTimeout``), sessions end, and
/// links, monitors and node monitors are told `noconnection`. Resolving the partition lets
/// traffic through again; the overlays' reconnection brings sessions back.
///
/// **Cost when off**: the hot paths test ``isEngaged``, one relaxed atomic load, and go on
/// when no fault is in force. With one in force each frame takes the injector's lock once;
/// with an interposition function each frame of that path is decoded and encoded again.
package final class FaultInjector: Sendable {
    private struct State {
        var partitions: [PartitionReference: Set<Node>] = [:]
        /// The union of the partitions' nodes.
        var cut: Set<Node> = []
        var nextReference: UInt64 = 1
        /// The interposition functions of each path, in the order they were added.
        var interpositions: [InterposedMessage.Direction: [(name: String, function: InterpositionFunction)]] = [
            .send: [], .receive: [],
        ]

        mutating func recomputeCut() {
            cut = partitions.values.reduce(into: Set<Node>()) { $0.formUnion($1) }
        }

        var isEngaged: Bool { !cut.isEmpty || interpositions.values.contains { !$0.isEmpty } }
    }

    /// Whether any partition is in force: the only thing the hot paths read when none is.
    private let engaged = Atomic<Bool>(false)
    private let state = Mutex(State())
    private let droppedOutgoing = Atomic<Int>(0)
    private let droppedIncoming = Atomic<Int>(0)

    /// An injector with no fault in force.
    package init() {}

    /// Whether any fault is in force: one relaxed atomic load, all the hot paths pay when
    /// none is.
    @inline(__always)
    package var isEngaged: Bool { engaged.load(ordering: .relaxed) }

    /// Whether traffic with `peer` is cut. One relaxed atomic load when no fault is in force.
    @inline(__always)
    package func cuts(_ peer: Node) -> Bool {
        guard engaged.load(ordering: .relaxed) else { return false }
        return state.withLock { $0.cut.contains(peer) }
    }

    /// Whether a frame to `peer` is to be lost; counts it if so.
    @inline(__always)
    package func dropsOutgoing(to peer: Node) -> Bool {
        guard cuts(peer) else { return false }
        droppedOutgoing.wrappingAdd(1, ordering: .relaxed)
        return true
    }

    /// Whether a frame from `peer` is to be dropped on arrival; counts it if so.
    @inline(__always)
    package func dropsIncoming(from peer: Node) -> Bool {
        guard cuts(peer) else { return false }
        droppedIncoming.wrappingAdd(1, ordering: .relaxed)
        return true
    }

    /// The frames partitions have lost so far: those this node did not send, and those it
    /// dropped on arrival.
    package var framesDropped: (outgoing: Int, incoming: Int) {
        (droppedOutgoing.load(ordering: .relaxed), droppedIncoming.load(ordering: .relaxed))
    }

    /// Cuts this node off from `nodes` until ``resolvePartition(_:)`` is given the reference
    /// returned. Partitions add up: a node stays cut while any partition names it.
    package func injectPartition(from nodes: some Sequence<Node>) -> PartitionReference {
        state.withLock { s in
            let reference = PartitionReference(id: s.nextReference)
            s.nextReference += 1
            s.partitions[reference] = Set(nodes)
            s.recomputeCut()
            engaged.store(s.isEngaged, ordering: .relaxed)
            return reference
        }
    }

    /// Ends the partition `reference` names; returns whether it was in force.
    @discardableResult
    package func resolvePartition(_ reference: PartitionReference) -> Bool {
        state.withLock { s in
            guard s.partitions.removeValue(forKey: reference) != nil else { return false }
            s.recomputeCut()
            engaged.store(s.isEngaged, ordering: .relaxed)
            return true
        }
    }

    /// Ends every partition; returns how many were in force.
    @discardableResult
    package func resolveAllPartitions() -> Int {
        state.withLock { s in
            let count = s.partitions.count
            s.partitions = [:]
            s.cut = []
            engaged.store(s.isEngaged, ordering: .relaxed)
            return count
        }
    }

    /// The partitions in force, oldest first.
    package func partitions() -> [NetworkPartition] {
        state.withLock { s in
            s.partitions.map { NetworkPartition(reference: $0.key, nodes: $0.value) }
                .sorted { $0.reference.id < $1.reference.id }
        }
    }

    // MARK: Interposition

    /// Installs `function` on the `direction` path under `name`, after the functions already
    /// there; a function of the same name is replaced in its place.
    package func addInterposition(
        named name: String, on direction: InterposedMessage.Direction, _ function: @escaping InterpositionFunction
    ) {
        state.withLock { s in
            if let index = s.interpositions[direction, default: []].firstIndex(where: { $0.name == name }) {
                s.interpositions[direction]![index].function = function
            } else {
                s.interpositions[direction, default: []].append((name, function))
            }
            engaged.store(s.isEngaged, ordering: .relaxed)
        }
    }

    /// Removes the function `name` from the `direction` path; returns whether it was there.
    @discardableResult
    package func removeInterposition(named name: String, on direction: InterposedMessage.Direction) -> Bool {
        state.withLock { s in
            guard let index = s.interpositions[direction, default: []].firstIndex(where: { $0.name == name }) else {
                return false
            }
            s.interpositions[direction]!.remove(at: index)
            engaged.store(s.isEngaged, ordering: .relaxed)
            return true
        }
    }

    /// The names of the functions on the `direction` path, in the order they run.
    package func interpositions(on direction: InterposedMessage.Direction) -> [String] {
        state.withLock { $0.interpositions[direction, default: []].map(\.name) }
    }

    /// Whether the `direction` path has a function.
    package func interposes(_ direction: InterposedMessage.Direction) -> Bool {
        guard isEngaged else { return false }
        return state.withLock { !$0.interpositions[direction, default: []].isEmpty }
    }

    /// Runs the `direction` path's functions on `term`, exchanged with `peer` on `channel`:
    /// returns the copies that go on, each with its term and delay (at most
    /// ``InterpositionVerdict/maxCopies``). The functions run outside the injector's lock.
    package func interpose(
        _ direction: InterposedMessage.Direction, peer: Node, channel: String, term: Term
    ) -> [(term: Term, delay: Duration)] {
        let functions = state.withLock { $0.interpositions[direction, default: []].map(\.function) }
        var copies: [(term: Term, delay: Duration)] = [(term, .zero)]
        for function in functions {
            var next: [(term: Term, delay: Duration)] = []
            for copy in copies {
                let verdict = function(
                    InterposedMessage(direction: direction, peer: peer, channel: channel, term: copy.term))
                for made in verdict.copies where next.count < InterpositionVerdict.maxCopies {
                    next.append((made.term ?? copy.term, copy.delay + max(made.delay, .zero)))
                }
            }
            copies = next
            if copies.isEmpty { break }
        }
        return copies
    }
}
