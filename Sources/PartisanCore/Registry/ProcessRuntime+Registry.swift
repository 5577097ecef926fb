/// The local name registry: Erlang's `register/2`, `unregister/1`, `whereis/1`,
/// `registered/0`. A name dies with its process.
extension ProcessRuntime {
    /// Registers local process `pid` as `name`.
    ///
    /// Throws ``ProcessError/invalidName(_:)``, ``ProcessError/nameTaken(_:by:)`` if another
    /// process has the name, ``ProcessError/alreadyRegistered(_:as:)`` if `pid` already has a
    /// name, ``ProcessError/noproc(_:)`` if `pid` is not alive and
    /// ``ProcessError/notLocal(_:)`` if it is not on this node.
    public func register(_ name: String, _ pid: Pid) throws(ProcessError) {
        guard RegisteredName.isValid(name) else { throw .invalidName(name) }
        guard localSerial(pid) != nil || pid.node != node else { throw .noproc(pid) }
        guard !isRemote(pid) else { throw .notLocal(pid) }
        try names.withLock { (names) throws(ProcessError) in
            if let holder = names[name] { throw .nameTaken(name, by: holder.pid) }
            guard let process = process(pid) else { throw .noproc(pid) }
            // Lock order: registry, then process (never the reverse).
            let existing: String?? = process.state.withLock { s in
                guard s.exitReason == nil else { return .some(nil) }
                if let existing = s.registeredName { return .some(existing) }
                s.registeredName = name
                return .none
            }
            switch existing {
            case .none: names[name] = process
            case .some(.none): throw .noproc(pid)
            case .some(.some(let existing)): throw .alreadyRegistered(pid, as: existing)
            }
        }
    }

    /// Removes the registration of `name`; throws ``ProcessError/unregisteredName(_:)`` if
    /// no process has it.
    public func unregister(_ name: String) throws(ProcessError) {
        try names.withLock { (names) throws(ProcessError) in
            guard let process = names.removeValue(forKey: name) else { throw .unregisteredName(name) }
            process.state.withLock { s in
                if s.registeredName == name { s.registeredName = nil }
            }
        }
    }

    /// The process registered as `name`, if any.
    public func whereis(_ name: String) -> Pid? {
        names.withLock { $0[name]?.pid }
    }

    /// All registered names.
    public func registered() -> [String] {
        names.withLock { Array($0.keys) }.sorted()
    }
}

extension ProcessContext {
    /// Gives up the name this process is registered under, if it has one (and only that
    /// registration: a name another process took since is left alone).
    package func unregisterOwnName() {
        runtime.names.withLock { names in
            // Lock order: registry, then process.
            guard let name = state.withLock({ $0.registeredName }), names[name] === self else { return }
            names[name] = nil
            state.withLock { $0.registeredName = nil }
        }
    }
}
