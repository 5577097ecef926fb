import PartisanCore

/// The full-mesh overlay (Partisan's `partisan_full_membership_strategy` under the
/// `pluggable` peer service manager): every node is connected to every member, and the
/// membership is a ``MembershipSet`` CRDT gossiped whole.
///
/// Gossip: the state goes to every member on join, whenever a message changes it, and on
/// every tick; a node whose state a message did not fully contain gets the merged state back,
/// so two nodes converge in one round trip. A node that finds itself in the set with another
/// incarnation's entry (it restarted) writes its own entry again, replacing the old one. A
/// node that finds its entry removed stays removed, unless the gossip also brings writes of
/// an incarnation of its name it had not seen: that incarnation took its name while this one
/// was taken for dead (a hung node, see ``NetKernel``, "Incarnations") and removed the name
/// when it left, so this node writes its entry back.
///
/// Wire messages (on the `membership` channel): `{membership_state, State}` with `State` as
/// in ``MembershipSet/term``.
public struct FullMeshMembership: PeerServiceManager {
    public let localSpec: NodeSpec
    /// This incarnation's creation.
    public let creation: UInt32
    /// The replicated membership.
    package private(set) var state = MembershipSet()
    /// This node left: it ignores gossip until it joins again.
    public private(set) var hasLeft = false
    private var replica: String { "\(localSpec.node.name)#\(creation)" }
    private var node: Node { localSpec.node }

    /// A single-member cluster of this node.
    public init(localSpec: NodeSpec, creation: UInt32) {
        self.localSpec = localSpec
        self.creation = creation
        state.add(.init(spec: localSpec, creation: creation), by: replica)
    }

    public func members() -> [NodeSpec] {
        var specs = state.nodes.compactMap { state.entry(of: $0)?.spec }
        if !specs.contains(where: { $0.node == node }) { specs.append(localSpec) }
        return specs.sorted { $0.node < $1.node }
    }

    private var peers: [NodeSpec] { members().filter { $0.node != node } }

    public mutating func join(_ contact: NodeSpec) -> PeerServiceUpdate {
        if hasLeft {
            hasLeft = false
            state = MembershipSet()
        }
        if state.entry(of: node)?.creation != creation {
            state.add(.init(spec: localSpec, creation: creation), by: replica)
        }
        var update = gossip(to: peers.map(\.node))
        if !update.messages.contains(where: { $0.to == contact.node }) {
            update.messages.append((contact.node, message))
        }
        return update
    }

    public mutating func leave(_ leaving: Node) -> PeerServiceUpdate {
        let before = peers.map(\.node)
        if leaving == node {
            // Tell the members this node is gone, then forget them and ignore their gossip.
            state.remove(node)
            let farewell = message
            state = MembershipSet()
            hasLeft = true
            return PeerServiceUpdate(members: members(), messages: before.map { ($0, farewell) }, disconnect: before)
        }
        state.remove(leaving)
        var update = gossip(to: before)
        update.disconnect = [leaving]
        return update
    }

    public mutating func handle(message term: Term, from peer: Node) -> PeerServiceUpdate {
        guard case .tuple(let fields) = term, fields.count == 2, fields[0] == .atom("membership_state"),
            let incoming = MembershipSet(term: fields[1]), !hasLeft
        else { return PeerServiceUpdate(members: members(), connect: peers) }
        let before = state
        let membersBefore = Set(peers.map(\.node))
        let wasMember = state.entry(of: node) != nil
        state.merge(incoming)
        if wasMember,
            state.entries(of: node).contains(where: { $0.creation != creation }) || state.entry(of: node) == nil
        {
            // Another incarnation's entry of this node, or this node was removed while it was
            // a member: a restarted node replaces its old entry; so does one whose name another
            // incarnation took, then gave up, while this one was out of reach; a removed one
            // stays removed (it sees its removal and disconnects).
            let twins = state.replicas(of: node).subtracting(before.replicas(of: node)).subtracting([replica])
            if state.entry(of: node) != nil || !twins.isEmpty {
                state.add(.init(spec: localSpec, creation: creation), by: replica)
            }
        }
        let membersAfter = Set(peers.map(\.node))
        var update: PeerServiceUpdate
        if state != before {
            update = gossip(to: Array(membersAfter.union([peer]).subtracting([node])))
        } else {
            update = PeerServiceUpdate(members: members(), connect: peers)
        }
        if state != incoming, !update.messages.contains(where: { $0.to == peer }) {
            update.messages.append((peer, message))
        }
        update.disconnect = Array(membersBefore.subtracting(membersAfter))
        if wasMember, state.entry(of: node) == nil { update.disconnect = Array(membersBefore) }
        return update
    }

    public mutating func periodic() -> PeerServiceUpdate {
        guard !hasLeft else { return PeerServiceUpdate(members: members()) }
        return gossip(to: peers.map(\.node))
    }

    public mutating func peerUp(_ peer: Node) -> PeerServiceUpdate {
        guard peers.contains(where: { $0.node == peer }) else { return PeerServiceUpdate(members: members()) }
        return PeerServiceUpdate(members: members(), messages: [(peer, message)], connect: peers)
    }

    /// The state message.
    private var message: Term { .tuple([.atom("membership_state"), state.term]) }

    private func gossip(to targets: [Node]) -> PeerServiceUpdate {
        let message = self.message
        return PeerServiceUpdate(
            members: members(), messages: targets.filter { $0 != node }.map { ($0, message) }, connect: peers)
    }
}
