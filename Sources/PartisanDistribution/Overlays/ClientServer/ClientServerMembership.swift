import PartisanCore

/// The client-server overlay (Partisan's `partisan_client_server_peer_service_manager`):
/// servers connect to every server, clients connect to every server, and clients never
/// connect to each other — a star (or a core of servers with clients around it).
///
/// Nodes introduce themselves with `{client_server_hello, Spec, Role, [ServerSpec]}`: the
/// sender's spec and role and the servers it knows. A node answers a hello from a node it
/// did not know with its own, connects to every server it learns of, and servers repeat
/// their hello to every member each tick so that new servers spread; a client repeats its
/// hello each tick to every server that has not answered it yet (since it learnt the server,
/// or since the server's connection last went down), so a lost hello is sent again. A client reached by a
/// client (one joining through the wrong contact) answers with the servers it knows and
/// closes the connection at its next tick; the joining client keeps that contact, and asks it
/// again every tick, until it knows a server.
///
/// ``members()``: on a server, every server and the clients connected to it; on a client,
/// the servers. A server that goes down stays a member and is reconnected; a client that goes
/// down is dropped (it reconnects to the servers itself).
public struct ClientServerMembership: PeerServiceManager {
    /// This node's spec.
    public let localSpec: NodeSpec
    /// This node's role.
    public let role: ClientServerRole
    /// The servers known, this node excluded, in the order learnt.
    public private(set) var servers: [NodeSpec] = []
    /// The clients connected to this server, in the order learnt.
    public private(set) var clients: [NodeSpec] = []
    /// Contacts given to ``join(_:)`` whose role is not known yet.
    private var contacts: [NodeSpec] = []
    /// Peers of known role, to answer a hello only the first time.
    private var roles: [Node: ClientServerRole] = [:]
    /// Client peers to disconnect at the next tick (after the answer has left).
    private var closingNext: [Node] = []
    private var node: Node { localSpec.node }

    /// A hello to a newly learnt server waits until it is connected.
    public var holdsMessagesUntilConnected: Bool { true }

    /// A node alone, with `role`.
    public init(localSpec: NodeSpec, role: ClientServerRole) {
        self.localSpec = localSpec
        self.role = role
    }

    /// The members (see ``PeerServiceManager/members()``).
    public func members() -> [NodeSpec] {
        (servers + (role == .server ? clients : []) + [localSpec]).sorted { $0.node < $1.node }
    }

    /// Joins through `contact` (see ``PeerServiceManager/join(_:)``).
    public mutating func join(_ contact: NodeSpec) -> PeerServiceUpdate {
        guard contact.node != node else { return update() }
        if roles[contact.node] == nil, !contacts.contains(where: { $0.node == contact.node }) {
            contacts.append(contact)
        }
        return update(messages: [(contact.node, hello)])
    }

    /// Leaves, or drops a peer (see ``PeerServiceManager/leave(_:)``).
    public mutating func leave(_ leaving: Node) -> PeerServiceUpdate {
        let dropped = leaving == node ? (servers + clients).map(\.node) : [leaving]
        servers.removeAll { dropped.contains($0.node) }
        clients.removeAll { dropped.contains($0.node) }
        for peer in dropped { roles[peer] = nil }
        return update(disconnect: dropped)
    }

    /// An overlay message arrived (see ``PeerServiceManager/handle(message:from:)``).
    public mutating func handle(message term: Term, from peer: Node) -> PeerServiceUpdate {
        guard let fields = term.tupleValue, fields.count == 4, fields[0] == .atom("client_server_hello"),
            let spec = try? NodeSpec(term: fields[1]), spec.node == peer,
            let peerRole = fields[2].atomValue.flatMap(ClientServerRole.init(rawValue:)),
            let listed = fields[3].listValue
        else { return update() }
        var messages: [(to: Node, message: Term)] = []
        let wasKnown = roles[peer] == peerRole
        roles[peer] = peerRole
        if peerRole == .server { contacts.removeAll { $0.node == peer } }
        switch (peerRole, role) {
        case (.server, _):
            insert(spec, into: &servers)
        case (.client, .server):
            insert(spec, into: &clients)
        case (.client, .client):
            if !closingNext.contains(peer) { closingNext.append(peer) }
        }
        if !wasKnown { messages.append((peer, hello)) }
        for server in listed.compactMap({ try? NodeSpec(term: $0) })
        where server.node != node && !servers.contains(where: { $0.node == server.node }) {
            insert(server, into: &servers)
            messages.append((server.node, hello))
        }
        // A client contact is kept (and asked again each tick) until a server is known.
        if !servers.isEmpty { contacts.removeAll { roles[$0.node] == .client } }
        return update(messages: messages)
    }

    /// The periodic tick (see ``PeerServiceManager/periodic()``).
    public mutating func periodic() -> PeerServiceUpdate {
        let closing = closingNext
        closingNext = []
        for peer in closing { roles[peer] = nil }
        let messages: [(to: Node, message: Term)] =
            switch role {
            case .server: (servers + clients).map { ($0.node, hello) }
            case .client where servers.isEmpty: contacts.map { ($0.node, hello) }
            // A hello to a server can be lost (its connection closed before it was read); a
            // client says it again each tick until that server has answered.
            case .client: servers.filter { roles[$0.node] == nil }.map { ($0.node, hello) }
            }
        return update(messages: messages, disconnect: closing)
    }

    /// A peer connected (see ``PeerServiceManager/peerUp(_:)``).
    public mutating func peerUp(_ peer: Node) -> PeerServiceUpdate { update() }

    /// A client that went down is dropped; servers are reconnected, and introduced to again
    /// once back (a server drops the clients it loses).
    public mutating func peerDown(_ peer: Node) -> PeerServiceUpdate {
        if clients.contains(where: { $0.node == peer }) {
            clients.removeAll { $0.node == peer }
            roles[peer] = nil
        }
        if servers.contains(where: { $0.node == peer }) { roles[peer] = nil }
        return update()
    }

    private var hello: Term {
        let known = (role == .server ? [localSpec] : []) + servers
        return .tuple([.atom("client_server_hello"), localSpec.term, .atom(role.rawValue), .list(known.map(\.term))])
    }

    private func insert(_ spec: NodeSpec, into list: inout [NodeSpec]) {
        if let index = list.firstIndex(where: { $0.node == spec.node }) {
            list[index] = spec
        } else {
            list.append(spec)
        }
    }

    private func update(messages: [(to: Node, message: Term)] = [], disconnect: [Node] = []) -> PeerServiceUpdate {
        PeerServiceUpdate(members: members(), messages: messages, connect: servers + contacts, disconnect: disconnect)
    }
}
