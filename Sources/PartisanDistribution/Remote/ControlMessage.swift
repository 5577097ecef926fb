import PartisanCore

/// A process-level message between two nodes: Erlang's distribution control messages.
///
/// Wire forms (ETF terms; `Payload` is a ``MessageCodec`` payload, `Reason` an ``ExitReason``
/// term, `ViaLink` a boolean):
///
/// ```
/// {send, To, From, Payload}                    message to a pid
/// {send_name, Name, From, Payload}             message to a registered name (an atom)
/// {send_alias, AliasPid, AliasRef, From, Payload}  message to an alias
/// {link, From, To}            {unlink, From, To}
/// {exit, From, To, Reason, ViaLink}
/// {monitor, Watcher, Target, Ref}              {demonitor, Watcher, Target, Ref}
/// {down, Watcher, Ref, Target, Reason}
/// {call, To, Ref, From, Payload}   monitor To (a pid or a registered name) under Ref for From,
///                                  then the request Payload to it, answering to alias {From, Ref}
/// {reply, AliasPid, AliasRef, From, Payload}   a call's answer from the monitored server, which
///                                  also ends the call's monitor AliasRef
/// ```
///
/// In each, `From`, `Watcher` (of a `monitor` or `demonitor`) or `Target` (of a `down`) is the
/// sender, on the sending node; the other pid is on the receiving node.
package enum ControlMessage: Hashable, Sendable {
    case send(to: Pid, from: Pid, payload: Term)
    case sendName(String, from: Pid, payload: Term)
    case sendAlias(Alias, from: Pid, payload: Term)
    case link(from: Pid, to: Pid)
    case unlink(from: Pid, to: Pid)
    case exit(from: Pid, to: Pid, reason: ExitReason, viaLink: Bool)
    case monitor(watcher: Pid, target: Pid, ref: Ref)
    case demonitor(watcher: Pid, target: Pid, ref: Ref)
    case down(watcher: Pid, ref: Ref, target: Pid, reason: ExitReason)
    case call(to: CallTarget, ref: Ref, from: Pid, payload: Term)
    case reply(to: Alias, from: Pid, payload: Term)

    /// Whom a ``call(to:ref:from:payload:)`` is for.
    package enum CallTarget: Hashable, Sendable {
        /// A process.
        case pid(Pid)
        /// The process registered under this name on the receiving node.
        case name(String)

        var term: Term {
            switch self {
            case .pid(let pid): .pid(pid)
            case .name(let name): .atom(name)
            }
        }
    }

    /// The atom that starts the wire form.
    var tag: String {
        switch self {
        case .send: "send"
        case .sendName: "send_name"
        case .sendAlias: "send_alias"
        case .link: "link"
        case .unlink: "unlink"
        case .exit: "exit"
        case .monitor: "monitor"
        case .demonitor: "demonitor"
        case .down: "down"
        case .call: "call"
        case .reply: "reply"
        }
    }

    /// The wire form.
    package var term: Term {
        switch self {
        case .send(let to, let from, let payload):
            .tuple([.atom(tag), .pid(to), .pid(from), payload])
        case .sendName(let name, let from, let payload):
            .tuple([.atom(tag), .atom(name), .pid(from), payload])
        case .sendAlias(let alias, let from, let payload):
            .tuple([.atom(tag), .pid(alias.pid), .ref(alias.ref), .pid(from), payload])
        case .link(let from, let to):
            .tuple([.atom(tag), .pid(from), .pid(to)])
        case .unlink(let from, let to):
            .tuple([.atom(tag), .pid(from), .pid(to)])
        case .exit(let from, let to, let reason, let viaLink):
            .tuple([.atom(tag), .pid(from), .pid(to), reason.term, .bool(viaLink)])
        case .monitor(let watcher, let target, let ref):
            .tuple([.atom(tag), .pid(watcher), .pid(target), .ref(ref)])
        case .demonitor(let watcher, let target, let ref):
            .tuple([.atom(tag), .pid(watcher), .pid(target), .ref(ref)])
        case .down(let watcher, let ref, let target, let reason):
            .tuple([.atom(tag), .pid(watcher), .ref(ref), .pid(target), reason.term])
        case .call(let to, let ref, let from, let payload):
            .tuple([.atom(tag), to.term, .ref(ref), .pid(from), payload])
        case .reply(let alias, let from, let payload):
            .tuple([.atom(tag), .pid(alias.pid), .ref(alias.ref), .pid(from), payload])
        }
    }

    /// Parses a wire form; `nil` for a term that is none of them.
    package init?(term: Term) {
        guard case .tuple(let e) = term, let tag = e.first?.atomValue else { return nil }
        switch (tag, e.count) {
        case ("send", 4):
            guard let to = e[1].pidValue, let from = e[2].pidValue else { return nil }
            self = .send(to: to, from: from, payload: e[3])
        case ("send_name", 4):
            guard let name = e[1].atomValue, let from = e[2].pidValue else { return nil }
            self = .sendName(name, from: from, payload: e[3])
        case ("send_alias", 5):
            guard let pid = e[1].pidValue, let ref = e[2].refValue, let from = e[3].pidValue else { return nil }
            self = .sendAlias(Alias(pid: pid, ref: ref), from: from, payload: e[4])
        case ("link", 3):
            guard let from = e[1].pidValue, let to = e[2].pidValue else { return nil }
            self = .link(from: from, to: to)
        case ("unlink", 3):
            guard let from = e[1].pidValue, let to = e[2].pidValue else { return nil }
            self = .unlink(from: from, to: to)
        case ("exit", 5):
            guard let from = e[1].pidValue, let to = e[2].pidValue, let viaLink = e[4].boolValue else { return nil }
            self = .exit(from: from, to: to, reason: ExitReason(term: e[3]), viaLink: viaLink)
        case ("monitor", 4):
            guard let watcher = e[1].pidValue, let target = e[2].pidValue, let ref = e[3].refValue else { return nil }
            self = .monitor(watcher: watcher, target: target, ref: ref)
        case ("demonitor", 4):
            guard let watcher = e[1].pidValue, let target = e[2].pidValue, let ref = e[3].refValue else { return nil }
            self = .demonitor(watcher: watcher, target: target, ref: ref)
        case ("down", 5):
            guard let watcher = e[1].pidValue, let ref = e[2].refValue, let target = e[3].pidValue else { return nil }
            self = .down(watcher: watcher, ref: ref, target: target, reason: ExitReason(term: e[4]))
        case ("call", 5):
            let to: CallTarget
            if let pid = e[1].pidValue {
                to = .pid(pid)
            } else if let name = e[1].atomValue {
                to = .name(name)
            } else {
                return nil
            }
            guard let ref = e[2].refValue, let from = e[3].pidValue else { return nil }
            self = .call(to: to, ref: ref, from: from, payload: e[4])
        case ("reply", 5):
            guard let pid = e[1].pidValue, let ref = e[2].refValue, let from = e[3].pidValue else { return nil }
            self = .reply(to: Alias(pid: pid, ref: ref), from: from, payload: e[4])
        default:
            return nil
        }
    }

    /// What `term`, which is no control message of this node's, looks like, for a log line:
    /// its kind, its size, and its tag only when that is one of the known tags (a peer's bytes
    /// never reach the log).
    package static func shape(of term: Term) -> String {
        guard case .tuple(let elements) = term else { return "not a tuple" }
        let tags =
            ["send", "send_name", "send_alias", "link", "unlink", "exit", "monitor", "demonitor", "down"]
            + ["call", "reply"]
        guard let tag = elements.first?.atomValue, tags.contains(tag) else {
            return "a tuple of \(elements.count) without a known tag"
        }
        return "a \(tag) tuple of \(elements.count) with fields of the wrong kinds, or from another node"
    }

    /// The process on the sending node: the ordering key, and the pid that must belong to
    /// the node the message came from.
    package var sender: Pid {
        switch self {
        case .send(_, let from, _), .sendName(_, let from, _), .sendAlias(_, let from, _): from
        case .link(let from, _), .unlink(let from, _), .exit(let from, _, _, _): from
        case .monitor(let watcher, _, _), .demonitor(let watcher, _, _): watcher
        case .down(_, _, let target, _): target
        case .call(_, _, let from, _), .reply(_, let from, _): from
        }
    }

    /// The process on the receiving node, when the message names one.
    package var recipient: Pid? {
        switch self {
        case .send(let to, _, _), .link(_, let to), .unlink(_, let to), .exit(_, let to, _, _): to
        case .sendAlias(let alias, _, _): alias.pid
        case .monitor(_, let target, _), .demonitor(_, let target, _): target
        case .down(let watcher, _, _, _): watcher
        case .call(.pid(let pid), _, _, _): pid
        case .reply(let alias, _, _): alias.pid
        case .sendName, .call(.name, _, _, _): nil
        }
    }
}
