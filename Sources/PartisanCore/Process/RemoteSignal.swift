/// A signal between a local process and a process on another node: the one vocabulary the
/// runtime and every wire (Partisan's channels, later Erlang's distribution protocol and the
/// simulator) share. Erlang's distribution control messages, before their wire form.
///
/// Outbound, the runtime hands a signal from a local sender to its ``RemoteRouter``
/// (``RemoteRouter/route(_:from:)``); inbound, the distribution layer hands a signal from a
/// remote sender to ``ProcessRuntime/apply(_:from:)``.
package enum RemoteSignal: Sendable {
    /// A message to a pid, a registered name or an alias, the way `options` say (channel,
    /// partition key, transitive delivery).
    case send(any Sendable, to: Destination, options: DeliveryOptions)
    /// An exit signal; `viaLink` marks a link's (the link is gone once it is sent).
    case exit(to: Pid, reason: ExitReason, viaLink: Bool)
    /// Links the sender and `to`.
    case link(to: Pid)
    /// Removes the link between the sender and `from`.
    case unlink(from: Pid)
    /// Monitor `ref`, held by the sender, on `target`.
    case monitor(Ref, target: Pid)
    /// Removes monitor `ref` on `target`.
    case demonitor(Ref, target: Pid)
    /// The `DOWN` of a monitored process (the sender) for the watcher holding the monitor.
    case down(DownMessage, watcher: Pid)
    /// A call in one signal: monitors `to` (a pid, or a name registered on its node) under the
    /// request's alias reference for the sender, then delivers the request to it (OTP's
    /// `monitor(process, To, [{alias, demonitor}])` followed by the request). A name with no
    /// process answers with a `DOWN` (`noproc`).
    case call(CallRequest, to: Destination)
    /// A call's answer from the monitored server (the sender) to the caller's alias, which
    /// also ends the call's monitor: the server has dropped it before sending, the caller
    /// drops it on arrival, so no `demonitor` follows.
    case reply(CallReply, to: Alias)

    /// Where a message goes.
    package enum Destination: Sendable, CustomStringConvertible {
        /// A process.
        case pid(Pid)
        /// A name registered on a node.
        case name(RegisteredName)
        /// An alias of a process (delivered only while the alias is active).
        case alias(Alias)

        package var description: String {
            switch self {
            case .pid(let pid): "\(pid)"
            case .name(let name): "\(name)"
            case .alias(let alias): "\(alias)"
            }
        }

        /// The node of the destination.
        package var node: Node {
            switch self {
            case .pid(let pid): pid.node
            case .name(let name): name.node
            case .alias(let alias): alias.pid.node
            }
        }
    }

    /// The node the signal is for.
    package var node: Node {
        switch self {
        case .send(_, let destination, _): destination.node
        case .exit(let to, _, _), .link(let to), .unlink(let to): to.node
        case .monitor(_, let target), .demonitor(_, let target): target.node
        case .down(_, let watcher): watcher.node
        case .call(_, let destination): destination.node
        case .reply(_, let alias): alias.pid.node
        }
    }
}

extension RemoteSignal.Destination {
    /// The pid a monitor on this destination holds while the process is not known here: the
    /// pid itself; for a name (or an alias) on another node, that node's system pid (of an
    /// unknown incarnation), which no process has.
    package var monitoredPid: Pid {
        switch self {
        case .pid(let pid): pid
        case .name, .alias: Pid(node: node, id: 0, serial: 0, creation: 0)
        }
    }
}
