/// An address for replies: messages sent to an alias reach its owner only while the alias is
/// active (Erlang's process aliases, OTP 24).
///
/// A call makes an alias, sends it with the request, and deactivates it when the call ends —
/// answered, timed out or failed. A reply that comes later is dropped on arrival, so it can
/// never surface in a later `receive`. The alias carries its owner's pid so that a reply can be
/// routed (also from another node) without a lookup table.
public struct Alias: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The process that receives messages sent to the alias.
    public let pid: Pid
    /// The alias's identity.
    public let ref: Ref

    /// Creates an alias value (aliases come from ``ProcessContext/makeAlias()``; this
    /// initialiser is for decoders).
    public init(pid: Pid, ref: Ref) {
        self.pid = pid
        self.ref = ref
    }

    public var description: String { "alias \(ref) of \(pid)" }
}

extension ProcessContext {
    /// Makes a new alias for this process, active until ``unalias(_:)`` or the process's exit.
    public func makeAlias() -> Alias {
        let alias = Alias(pid: pid, ref: runtime.makeRef())
        activate(alias.ref)
        return alias
    }

    /// Makes an alias with an existing unique reference of this process, such as a monitor's
    /// (as OTP's `monitor(process, Pid, [{alias, demonitor}])` does for calls), saving a new
    /// reference per call.
    public func makeAlias(reusing ref: Ref) -> Alias {
        activate(ref)
        return Alias(pid: pid, ref: ref)
    }

    /// Deactivates `alias`: messages sent to it from now on are dropped. Returns whether it
    /// was active.
    @discardableResult
    public func unalias(_ alias: Alias) -> Bool {
        state.withLock { s in
            guard let index = s.aliases.firstIndex(of: alias.ref) else { return false }
            s.aliases.remove(at: index)
            return true
        }
    }

    /// Sends `message` to `alias`; it is delivered only if the alias is still active.
    public func send(_ message: any Sendable, to alias: Alias) {
        runtime.send(message, to: alias, from: pid)
    }

    /// Sends `message` to `alias` (delivered only while the alias is active) the way
    /// `options` say when the alias's process is on another node (see ``DeliveryOptions``).
    public func send(_ message: any Sendable, to alias: Alias, options: DeliveryOptions) {
        runtime.send(message, to: alias, from: pid, options: options)
    }

    /// Activates `ref` as an alias of this process.
    func activate(_ ref: Ref) {
        state.withLock { s in
            if s.exitReason == nil { s.aliases.append(ref) }
        }
    }
}

extension ProcessRuntime {
    /// Sends `message` to `alias`: delivered only while the alias is active; to another node
    /// through the distribution layer.
    public func send(_ message: any Sendable, to alias: Alias) {
        send(message, to: alias, from: systemPid)
    }

    func send(_ message: any Sendable, to alias: Alias, from sender: Pid, options: DeliveryOptions = .standard) {
        if let process = process(alias.pid) {
            process.deliver(message, viaAlias: alias.ref)
        } else if isRemote(alias.pid) {
            route(.send(message, to: .alias(alias), options: options), from: sender)
        }
    }
}
