import NIOEmbedded
import PartisanCore
import Testing

@testable import PartisanDistribution

/// The session table without sockets: each case is a sequence of transport events seen by
/// node `a` about peer `b`, with the effects each one calls for and the session it leaves.
/// Connections run over embedded channels, which nothing reads or writes here.
///
/// The socket tests each case mirrors (in `PartisanNodeTests` unless said otherwise):
/// - `a_session_the_peer_opens_waits_for_its_whole_set_then_is_dialled_back_and_comes_up`: the
///   dialled node of every two-node test, e.g. `ConnectionLaneTests`'
///   `both_directions_of_each_channel_connection_share_a_loop_at_both_nodes`, and
///   `ConnectionSharingTests.nodes_talk_both_ways_whatever_each_side_shares` (`.separate` acceptor).
/// - `a_session_this_node_opens_comes_up_on_its_set_and_the_peers_answer_joins_it`: the
///   dialling node of the same tests; `HiddenNodeTests` for the session's type.
/// - `only_the_close_of_a_connection_this_node_sends_on_ends_the_session`: `NodeDownTests`'
///   `a_node_shutdown_fires_monitors_links_and_node_monitors_with_noconnection` (the node that
///   stays sees its own connections close).
/// - `shared_connections_are_adopted_once_the_peers_whole_set_is_in_and_their_close_ends_the_session`:
///   `ConnectionSharingTests.nodes_talk_both_ways_whatever_each_side_shares` (`.shared`
///   acceptor) and `either_side_ending_a_shared_session_is_seen_by_the_other`.
/// - `a_set_adopted_after_it_closed_is_abandoned_and_ends_the_session_with_connection_setup_failed`
///   and `a_close_before_the_answer_is_up_ends_the_session_with_setup_failed_or_closed`:
///   `ConnectionSharingTests.a_session_ended_at_once_stays_ended_and_the_next_connect_succeeds`
///   (the dialler disconnects while the dialled node answers), `.shared` and `.separate`.
/// - `both_nodes_dialling_at_once_keep_one_session_and_close_this_nodes_redundant_dial_back`:
///   no socket test with `.separate` connections (Architecture.md, "Sessions", describes it).
/// - `the_peers_set_is_answered_while_this_node_dials_on_its_own_and_that_dial_fails` and
///   `a_failed_connect_of_this_nodes_leaves_no_session_behind`,
///   `a_set_the_peer_dials_after_answering_this_nodes_replaces_the_session`,
///   `a_disconnect_while_this_node_connects_stands_and_a_hidden_peer_stays_hidden`: no socket test (the
///   races are too narrow to provoke over TCP); found in review of the table.
/// - `both_shared_nodes_dialling_at_once_keep_this_nodes_set_open_unused`:
///   `ConnectionSharingTests.two_shared_nodes_dialling_each_other_at_once_stay_connected`.
/// - `a_newer_set_from_the_peer_replaces_the_session_and_the_old_ones_connections_end_nothing`,
///   `late_sets_are_closed_and_a_late_answer_opens_nothing` and
///   `this_nodes_set_closing_while_it_connects_ends_the_session`:
///   `ConnectionSharingTests.a_session_ended_at_once_stays_ended_and_the_next_connect_succeeds`
///   (connect and disconnect at once, ten times over: the dialled node sees newer sets before
///   the old ones' connections close, and late answers).
/// - `another_incarnation_is_refused_while_a_session_lives_and_let_in_once_it_ends`: the three
///   `IncarnationTests`, `NodeDownTests.a_restarted_peer_replaces_its_old_incarnation`, and
///   `PartisanCLITests`' `IncarnationCLITests`.
/// - `shutdown_ends_every_session_as_net_kernel_terminated_and_opens_no_more`: `NodeDownTests`'
///   `a_node_shutdown_fires_monitors_links_and_node_monitors_with_noconnection` (the node shutting
///   down), `PartisanDistributionTests`' `TransportEndpointTests`'
///   `shutdown_closes_every_connection_and_refuses_new_ones`.
@Suite struct SessionTableTests {
    /// The peer of every case; the table is node `a`'s.
    static let peer: Node = "b@127.0.0.1"

    /// A connection with `peer` (incarnation `creation`) of set `set`, the `default` channel's
    /// `index`th; the peer announces `parallelism` connections of `default` and nothing else.
    static func connection(
        _ direction: ConnectionInfo.Direction, _ set: ConnectionSet, creation: UInt32 = 1, index: Int = 0,
        parallelism: Int = 2, hidden: Bool = false
    ) -> Connection {
        let spec = NodeSpec(
            node: peer, listenAddresses: [ListenAddress(host: "127.0.0.1", port: 4370)],
            channels: [ChannelSpec(name: "default", parallelism: parallelism)], hidden: hidden)
        let info = ConnectionInfo(
            localNode: "a@127.0.0.1", peer: peer, peerCreation: creation, peerSpec: spec,
            channel: ChannelSpec(name: "default", parallelism: parallelism), index: index, direction: direction,
            remoteAddress: nil, set: set, lane: ConnectionLane(loop: 0, ports: []), peerLane: nil)
        return Connection(
            info: info, channel: EmbeddedChannel(), encoder: FrameEncoder(maxFrameSize: 1 << 20), limits: .init())
    }

    /// Every connection of one set: `parallelism` connections of `default`.
    static func set(
        _ direction: ConnectionInfo.Direction, _ set: ConnectionSet, creation: UInt32 = 1, parallelism: Int = 2,
        hidden: Bool = false
    ) -> [Connection] {
        (0..<parallelism).map {
            connection(direction, set, creation: creation, index: $0, parallelism: parallelism, hidden: hidden)
        }
    }

    /// The effects, one line each, to compare with the expected ones.
    static func lines(_ effects: [SessionEffect]) -> [String] {
        effects.map { effect in
            switch effect {
            case .refuse(_, let refusal, let connected, let isNew):
                "refuse \(refusal.wireReason) (\(connected) connected\(isNew ? ", new" : ""))"
            case .close(let connections, let cause): "close \(connections.count) \(cause)"
            case .abandon(let connections): "abandon \(connections.connections.values.joined().count)"
            case .replaced(let connection): "replaced by \(connection.set)"
            case .end(let peer, _, let reason): "end \(peer) \(reason)"
            case .up(let peer, let type, let connections, let pending):
                "up \(peer) \(type) on \(connections.connections.values.joined().count), \(pending.count) pending"
            case .dialBack(let peer, _, let answering, let address, let channels, let lanes):
                "dial back \(peer) at \(address.map { "\($0)" } ?? "nil") \(channels.sorted())"
                    + " answering \(answering) (\(lanes.count) lanes)"
            case .adopt(let connections, let answering): "adopt \(connections.count) answering \(answering)"
            }
        }
    }

    /// Feeds every connection of `connections` to `table` as established; the effects of all.
    static func establish(_ connections: [Connection], in table: inout SessionTable) -> [String] {
        connections.flatMap { lines(table.connectionEstablished($0)) }
    }

    /// A table of node `a` with a session `b` opened by b's set `peerSet` (incarnation
    /// `creation`) and answered by a's dial-back; returns the dial-back's connections and b's.
    static func answered(
        peerSet: UInt64 = 7, creation: UInt32 = 1, sharing: ConnectionSharing = .separate
    ) -> (table: SessionTable, inbound: [Connection], dialBack: [Connection]) {
        var table = SessionTable(connectionSharing: sharing)
        let inbound = set(.inbound, ConnectionSet(number: peerSet), creation: creation)
        _ = establish(inbound, in: &table)
        let own = table.reserveSet()
        let dialBack = set(.outbound, ConnectionSet(number: own, answers: peerSet), creation: creation)
        _ = establish(dialBack, in: &table)
        _ = table.establish(PeerConnections(connections: dialBack), isOpen: true, answering: peerSet, set: own)
        return (table, inbound, dialBack)
    }

    @Test func a_session_the_peer_opens_waits_for_its_whole_set_then_is_dialled_back_and_comes_up() {
        var table = SessionTable(connectionSharing: .separate)
        let inbound = Self.set(.inbound, ConnectionSet(number: 7))
        #expect(Self.lines(table.connectionEstablished(inbound[0])).isEmpty)
        #expect(table[Self.peer]?.dialBack == .waiting && table[Self.peer]?.peerSet == 7)
        #expect(table[Self.peer]?.isUp == false)
        // A message sent meanwhile waits for the session's connections.
        table.update(Self.peer) {
            $0.pending.append((EncodedMessage(head: [131, 100]), Route(channel: "default", partition: 0)))
        }
        #expect(
            Self.lines(table.connectionEstablished(inbound[1]))
                == [#"dial back b@127.0.0.1 at 127.0.0.1:4370 ["default"] answering 7 (2 lanes)"#])
        #expect(table[Self.peer]?.dialBack == .dialling)

        let own = table.reserveSet()
        #expect(table.liveSets == [own])
        let dialBack = Self.set(.outbound, ConnectionSet(number: own, answers: 7))
        // The dial-back's connections join the session only once they are all up.
        #expect(Self.establish(dialBack, in: &table).isEmpty)
        #expect(table[Self.peer]?.isUp == false)
        let up = table.establish(PeerConnections(connections: dialBack), isOpen: true, answering: 7, set: own)
        #expect(Self.lines(up) == ["up b@127.0.0.1 visible on 2, 1 pending"])
        #expect(table[Self.peer]?.pending.isEmpty == true)
        #expect(table[Self.peer]?.dialBack == .notNeeded && table[Self.peer]?.ownSets == [own])
        #expect(table[Self.peer]?.inbound.count == 2)
    }

    @Test func a_session_this_node_opens_comes_up_on_its_set_and_the_peers_answer_joins_it() {
        var table = SessionTable(connectionSharing: .separate)
        let own = table.reserveSet()
        let outbound = Self.set(.outbound, ConnectionSet(number: own), hidden: true)
        #expect(Self.establish(outbound, in: &table).isEmpty)
        #expect(table[Self.peer]?.dialBack == .notNeeded && table[Self.peer]?.type == .hidden)
        let up = table.establish(PeerConnections(connections: outbound), isOpen: true, set: own)
        #expect(Self.lines(up) == ["up b@127.0.0.1 hidden on 2, 0 pending"])
        // b dials back, answering a's set: the connections join; nothing is dialled.
        let answer = Self.set(.inbound, ConnectionSet(number: 3, answers: own), hidden: true)
        #expect(Self.establish(answer, in: &table).isEmpty)
        #expect(table[Self.peer]?.inbound.count == 2 && table[Self.peer]?.peerSet == 0)
    }

    @Test func only_the_close_of_a_connection_this_node_sends_on_ends_the_session() {
        let (answered, inbound, dialBack) = Self.answered()
        var table = answered
        // The peer's connections are the peer's to close.
        #expect(Self.lines(table.connectionClosed(inbound[0])).isEmpty)
        #expect(table[Self.peer]?.isUp == true)
        let ended = table.connectionClosed(dialBack[1])
        #expect(Self.lines(ended) == ["end b@127.0.0.1 connection_closed"])
        // The effect carries the session, whose connections the kernel closes.
        if case .end(_, let session, _) = ended.first { #expect(session.inbound.count == 2 && session.isUp) }
        #expect(!table.contains(Self.peer) && table.liveSets.isEmpty)
        // The rest of its connections closing ends nothing more.
        #expect(Self.lines(table.connectionClosed(dialBack[0])).isEmpty)
    }

    @Test func shared_connections_are_adopted_once_the_peers_whole_set_is_in_and_their_close_ends_the_session() {
        var table = SessionTable(connectionSharing: .shared)
        let inbound = Self.set(.inbound, ConnectionSet(number: 7))
        #expect(Self.establish(inbound, in: &table) == ["adopt 2 answering 7"])
        #expect(table[Self.peer]?.dialBack == .notNeeded)
        let up = table.adopt(PeerConnections(connections: inbound), isOpen: true, answering: 7)
        #expect(Self.lines(up) == ["up b@127.0.0.1 visible on 2, 0 pending"])
        #expect(table.liveSets.isEmpty)
        #expect(Self.lines(table.connectionClosed(inbound[0])) == ["end b@127.0.0.1 connection_closed"])
    }

    @Test func a_set_adopted_after_it_closed_is_abandoned_and_ends_the_session_with_connection_setup_failed() {
        var table = SessionTable(connectionSharing: .shared)
        let inbound = Self.set(.inbound, ConnectionSet(number: 7))
        _ = Self.establish(inbound, in: &table)
        let effects = table.adopt(PeerConnections(connections: inbound), isOpen: false, answering: 7)
        #expect(Self.lines(effects) == ["abandon 2", "end b@127.0.0.1 connection_setup_failed"])
        #expect(!table.contains(Self.peer))
    }

    @Test func both_nodes_dialling_at_once_keep_one_session_and_close_this_nodes_redundant_dial_back() {
        var table = SessionTable(connectionSharing: .separate)
        let own = table.reserveSet()
        // b's set arrives first: a starts dialling back...
        let inbound = Self.set(.inbound, ConnectionSet(number: 9))
        #expect(Self.establish(inbound, in: &table).count == 1)
        let back = table.reserveSet()
        // ...while its own connect's set comes up: the session is up on it.
        let outbound = Self.set(.outbound, ConnectionSet(number: own))
        #expect(Self.establish(outbound, in: &table).isEmpty)
        #expect(Self.lines(table.establish(PeerConnections(connections: outbound), isOpen: true, set: own)).count == 1)
        // The dial-back is redundant: closed, its set released, the session untouched.
        let dialBack = Self.set(.outbound, ConnectionSet(number: back, answers: 9))
        #expect(Self.establish(dialBack, in: &table).isEmpty)
        let duplicate = table.establish(PeerConnections(connections: dialBack), isOpen: true, answering: 9, set: back)
        #expect(Self.lines(duplicate) == ["close 2 duplicate"])
        #expect(table.liveSets == [own] && table[Self.peer]?.ownSets == [own])
        // Its closing, and the closing of b's set (b sends on it), end nothing.
        #expect(Self.lines(table.connectionClosed(dialBack[0])).isEmpty)
        #expect(Self.lines(table.connectionClosed(inbound[0])).isEmpty)
        #expect(table[Self.peer]?.isUp == true)
        #expect(table[Self.peer]?.connections?.connections["default"]?.first === outbound[0])
    }

    @Test func the_peers_set_is_answered_while_this_node_dials_on_its_own_and_that_dial_fails() {
        var table = SessionTable(connectionSharing: .separate)
        let own = table.reserveSet()
        let outbound = Self.set(.outbound, ConnectionSet(number: own))
        // a's own connect opens the session with its first connection...
        #expect(Self.establish([outbound[0]], in: &table).isEmpty)
        #expect(table[Self.peer]?.dialBack == .notNeeded && table[Self.peer]?.connecting == [own])
        // ...while b's whole set arrives: a answers it, since its own set may yet fail.
        let inbound = Self.set(.inbound, ConnectionSet(number: 9))
        let answer = Self.establish(inbound, in: &table)
        #expect(answer.count == 1 && answer.first?.hasPrefix("dial back b@127.0.0.1") == true)
        // a's own set fails and its connection closes: the session stays, for the dial-back.
        #expect(Self.lines(table.releaseSet(own)).isEmpty)
        #expect(Self.lines(table.connectionClosed(outbound[0])).isEmpty)
        let back = table.reserveSet()
        let dialBack = Self.set(.outbound, ConnectionSet(number: back, answers: 9))
        #expect(Self.establish(dialBack, in: &table).isEmpty)
        let up = table.establish(PeerConnections(connections: dialBack), isOpen: true, answering: 9, set: back)
        #expect(Self.lines(up) == ["up b@127.0.0.1 visible on 2, 0 pending"])
    }

    @Test func a_failed_connect_of_this_nodes_leaves_no_session_behind() {
        var table = SessionTable(connectionSharing: .separate)
        let own = table.reserveSet()
        let first = Self.connection(.outbound, ConnectionSet(number: own))
        #expect(Self.establish([first], in: &table).isEmpty && table.contains(Self.peer))
        // The rest of the set fails: the set is released before its first connection's close
        // is seen, so that close ends nothing; the release ends the session.
        #expect(Self.lines(table.releaseSet(own)) == ["end b@127.0.0.1 connection_setup_failed"])
        #expect(Self.lines(table.connectionClosed(first)).isEmpty && !table.contains(Self.peer))
        // A session the peer's set is in is not the release's to end.
        let again = table.reserveSet()
        _ = Self.establish([Self.connection(.outbound, ConnectionSet(number: again))], in: &table)
        _ = Self.establish([Self.connection(.inbound, ConnectionSet(number: 3))], in: &table)
        #expect(Self.lines(table.releaseSet(again)).isEmpty && table[Self.peer]?.dialBack == .waiting)
    }

    @Test func a_set_the_peer_dials_after_answering_this_nodes_replaces_the_session() {
        /// A session a opened and b answered with its set 6.
        func answeredByPeer() -> (SessionTable, [Connection]) {
            var table = SessionTable(connectionSharing: .separate)
            let own = table.reserveSet()
            let outbound = Self.set(.outbound, ConnectionSet(number: own))
            _ = Self.establish(outbound, in: &table)
            _ = table.establish(PeerConnections(connections: outbound), isOpen: true, set: own)
            #expect(Self.establish(Self.set(.inbound, ConnectionSet(number: 6, answers: own)), in: &table).isEmpty)
            return (table, outbound)
        }
        // b ended the session and dials again at once, before a sees its connections close.
        var (table, outbound) = answeredByPeer()
        let again = Self.set(.inbound, ConnectionSet(number: 8))
        #expect(
            Self.lines(table.connectionEstablished(again[0]))
                == ["replaced by set 8", "end b@127.0.0.1 connection_closed"])
        #expect(table[Self.peer]?.peerSet == 8 && table[Self.peer]?.dialBack == .waiting)
        #expect(Self.lines(table.connectionClosed(outbound[0])).isEmpty)
        #expect(Self.lines(table.connectionEstablished(again[1])).count == 1)  // the dial-back
        // A set b dialled at the same time as a did (numbered before its answer) joins.
        var (simultaneous, _) = answeredByPeer()
        #expect(Self.establish(Self.set(.inbound, ConnectionSet(number: 5)), in: &simultaneous).isEmpty)
        #expect(simultaneous[Self.peer]?.isUp == true && simultaneous[Self.peer]?.peerSet == 5)
    }

    @Test func a_disconnect_while_this_node_connects_stands_and_a_hidden_peer_stays_hidden() {
        var table = SessionTable(connectionSharing: .separate)
        let own = table.reserveSet()
        let outbound = Self.set(.outbound, ConnectionSet(number: own), hidden: true)
        _ = Self.establish([outbound[0]], in: &table)
        // Disconnected while the set is on the way: the set comes up abandoned.
        #expect(Self.lines(table.end(Self.peer, reason: .disconnect)) == ["end b@127.0.0.1 disconnect"])
        _ = Self.establish([outbound[1]], in: &table)
        #expect(!table.contains(Self.peer))
        let late = table.establish(PeerConnections(connections: outbound), isOpen: true, set: own)
        #expect(Self.lines(late) == ["abandon 2"] && !table.contains(Self.peer))
        // A connect whose first connection left no session behind comes up with the peer's type.
        let next = table.reserveSet()
        let hidden = Self.set(.outbound, ConnectionSet(number: next), hidden: true)
        let up = table.establish(PeerConnections(connections: hidden), isOpen: true, set: next)
        #expect(Self.lines(up) == ["up b@127.0.0.1 hidden on 2, 0 pending"])
    }

    @Test func both_shared_nodes_dialling_at_once_keep_this_nodes_set_open_unused() {
        var table = SessionTable(connectionSharing: .shared)
        let own = table.reserveSet()
        let inbound = Self.set(.inbound, ConnectionSet(number: 9))
        #expect(Self.establish(inbound, in: &table) == ["adopt 2 answering 9"])
        _ = table.adopt(PeerConnections(connections: inbound), isOpen: true, answering: 9)
        let outbound = Self.set(.outbound, ConnectionSet(number: own))
        #expect(Self.establish(outbound, in: &table).isEmpty)
        // b may send on a's set, having adopted it: it stays open, spare, and a's own.
        #expect(Self.lines(table.establish(PeerConnections(connections: outbound), isOpen: true, set: own)).isEmpty)
        #expect(table[Self.peer]?.spare.count == 2 && table[Self.peer]?.ownSets == [own])
        #expect(table[Self.peer]?.connections?.connections["default"]?.first === inbound[0])
        // A second set of b's own (its duplicate) is kept too.
        let again = Self.set(.inbound, ConnectionSet(number: 9))
        #expect(Self.lines(table.establish(PeerConnections(connections: again), isOpen: true)).isEmpty)
    }

    @Test func a_newer_set_from_the_peer_replaces_the_session_and_the_old_ones_connections_end_nothing() {
        let (answered, inbound, dialBack) = Self.answered(peerSet: 7)
        var table = answered
        let id = table[Self.peer]!.id
        let newer = Self.set(.inbound, ConnectionSet(number: 8))
        #expect(
            Self.lines(table.connectionEstablished(newer[0]))
                == ["replaced by set 8", "end b@127.0.0.1 connection_closed"])
        #expect(table[Self.peer]?.id != id && table[Self.peer]?.peerSet == 8 && table[Self.peer]?.dialBack == .waiting)
        #expect(table.liveSets.isEmpty)
        // The old session's connections closing now must not end the new one.
        #expect(Self.lines(table.connectionClosed(dialBack[0])).isEmpty)
        #expect(Self.lines(table.connectionClosed(inbound[0])).isEmpty)
        #expect(Self.lines(table.connectionEstablished(newer[1])).count == 1)
    }

    @Test func late_sets_are_closed_and_a_late_answer_opens_nothing() {
        var table = Self.answered(peerSet: 7).table
        // An older set of the peer's.
        #expect(
            Self.lines(table.connectionEstablished(Self.connection(.inbound, ConnectionSet(number: 6)))) == [
                "close 1 late"
            ])
        // An answer to a set of a's that no longer lives.
        let gone = table.reserveSet()
        #expect(table.releaseSet(gone).isEmpty)
        let answer = Self.connection(.inbound, ConnectionSet(number: 4, answers: gone))
        #expect(Self.lines(table.connectionEstablished(answer)) == ["close 1 late"])
        #expect(table[Self.peer]?.inbound.count == 2)
        // A dial-back answering a session that has ended is abandoned, not taken for a new one.
        _ = table.end(Self.peer, reason: .disconnect)
        let late = Self.set(.outbound, ConnectionSet(number: table.reserveSet(), answers: 7))
        #expect(Self.establish(late, in: &table).isEmpty && !table.contains(Self.peer))
        #expect(
            Self.lines(table.establish(PeerConnections(connections: late), isOpen: true, answering: 7)) == ["abandon 2"]
        )
        #expect(!table.contains(Self.peer))
    }

    @Test func another_incarnation_is_refused_while_a_session_lives_and_let_in_once_it_ends() {
        let (answered, _, dialBack) = Self.answered(creation: 1)
        var table = answered
        let twin = Self.connection(.inbound, ConnectionSet(number: 1), creation: 2)
        #expect(Self.lines(table.admit(twin.info)) == ["refuse duplicate_name (1 connected, new)"])
        #expect(Self.lines(table.admit(twin.info)) == ["refuse duplicate_name (1 connected)"])
        #expect(Self.lines(table.admit(Self.connection(.outbound, .unnumbered, creation: 1).info)).isEmpty)
        #expect(table[Self.peer]?.creation == 1 && table[Self.peer]?.isUp == true)
        // The first incarnation's connection closes (it stopped): the twin gets in.
        #expect(Self.lines(table.connectionClosed(dialBack[0])) == ["end b@127.0.0.1 connection_closed"])
        #expect(Self.lines(table.admit(twin.info)).isEmpty)
        #expect(Self.lines(table.connectionEstablished(twin)).isEmpty)
        #expect(table[Self.peer]?.creation == 2)
        // Now the first is the one refused, as new.
        let first = Self.connection(.inbound, ConnectionSet(number: 20), creation: 1)
        #expect(Self.lines(table.admit(first.info)) == ["refuse duplicate_name (2 connected, new)"])
        // One admitted before the twin's session opened is closed; its close ends nothing.
        #expect(Self.lines(table.connectionEstablished(first)) == ["close 1 otherIncarnation"])
        #expect(Self.lines(table.connectionClosed(first)).isEmpty)
        // A set of its own is abandoned; ended by disconnect, the session lets the first in.
        #expect(Self.lines(table.establish(PeerConnections(connections: [first]), isOpen: true)) == ["abandon 1"])
        #expect(Self.lines(table.end(Self.peer, reason: .disconnect)) == ["end b@127.0.0.1 disconnect"])
        #expect(Self.lines(table.admit(first.info)).isEmpty)
    }

    @Test func a_close_before_the_answer_is_up_ends_the_session_with_setup_failed_or_closed() {
        // The peer gives up before its set is in: connection_setup_failed.
        var table = SessionTable(connectionSharing: .separate)
        let inbound = Self.set(.inbound, ConnectionSet(number: 7))
        _ = table.connectionEstablished(inbound[0])
        #expect(Self.lines(table.connectionClosed(inbound[0])) == ["end b@127.0.0.1 connection_setup_failed"])
        // The peer ends the session while a dials back: connection_closed.
        _ = Self.establish(inbound, in: &table)
        #expect(table[Self.peer]?.dialBack == .dialling)
        #expect(Self.lines(table.connectionClosed(inbound[1])) == ["end b@127.0.0.1 connection_closed"])
        // The dial-back fails: connection_setup_failed, and its set is released.
        _ = Self.establish(inbound, in: &table)
        let own = table.reserveSet()
        #expect(
            Self.lines(table.dialBackFailed(Self.peer, creation: 1, set: own, answering: 7))
                == ["end b@127.0.0.1 connection_setup_failed"])
        #expect(table.liveSets.isEmpty)
        // A dial-back failing after a newer session took the place of the one it answered
        // ends nothing.
        _ = Self.establish(Self.set(.inbound, ConnectionSet(number: 8)), in: &table)
        #expect(Self.lines(table.dialBackFailed(Self.peer, creation: 1, set: table.reserveSet(), answering: 7)).isEmpty)
        #expect(table[Self.peer]?.peerSet == 8)
    }

    @Test func this_nodes_set_closing_while_it_connects_ends_the_session() {
        var table = SessionTable(connectionSharing: .separate)
        let own = table.reserveSet()
        let outbound = Self.set(.outbound, ConnectionSet(number: own))
        _ = table.connectionEstablished(outbound[0])
        #expect(Self.lines(table.connectionClosed(outbound[0])) == ["end b@127.0.0.1 connection_closed"])
        // A set that closed before it was established is abandoned.
        #expect(
            Self.lines(table.establish(PeerConnections(connections: outbound), isOpen: false, set: own)) == [
                "abandon 2"
            ])
    }

    @Test func shutdown_ends_every_session_as_net_kernel_terminated_and_opens_no_more() {
        let (answered, inbound, _) = Self.answered()
        var table = answered
        let other: Node = "c@127.0.0.1"
        let c = Connection(
            info: ConnectionInfo(
                localNode: "a@127.0.0.1", peer: other, peerCreation: 1,
                peerSpec: NodeSpec(node: other, listenAddresses: []), channel: .default, index: 0, direction: .inbound,
                remoteAddress: nil, set: ConnectionSet(number: 1), lane: ConnectionLane(loop: 0, ports: []),
                peerLane: nil),
            channel: EmbeddedChannel(), encoder: FrameEncoder(maxFrameSize: 1 << 20), limits: .init())
        _ = table.connectionEstablished(c)
        #expect(
            Set(Self.lines(table.shutdown()))
                == ["end b@127.0.0.1 net_kernel_terminated", "end c@127.0.0.1 net_kernel_terminated"])
        #expect(table.isShuttingDown && table.all.isEmpty)
        // Nothing opens a session any more, and no set is taken.
        #expect(Self.establish(Self.set(.inbound, ConnectionSet(number: 9)), in: &table).isEmpty)
        #expect(table.all.isEmpty)
        #expect(Self.lines(table.establish(PeerConnections(connections: inbound), isOpen: true)) == ["abandon 2"])
    }
}
