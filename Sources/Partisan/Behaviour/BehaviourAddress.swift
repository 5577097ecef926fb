/// Where a behaviour reference points: a pid (local or on another node), a registered name
/// looked up on a runtime at each use (so a call reaches a restarted server registered under
/// the same name), or a name registered on another node (`name@node`, Erlang's
/// `{Name, Node}`).
///
/// ``GenServerRef`` and ``GenStatemRef`` are typed fronts on an address.
public struct BehaviourAddress: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline
    enum Target: Sendable, Hashable {
        case pid(Pid)
        case name(String)
        case remoteName(RegisteredName)
    }

    @usableFromInline let target: Target
    /// The runtime the address resolves names on and makes calls from outside processes on.
    public let runtime: ProcessRuntime
    /// Finds the pid of a `name@node` target; `nil` for the other targets.
    @usableFromInline let resolver: RemoteNameResolver?

    /// The process `pid`.
    public init(pid: Pid, on runtime: ProcessRuntime) {
        self.target = .pid(pid)
        self.runtime = runtime
        self.resolver = nil
    }

    /// Whichever process is registered as `name` on `runtime` at each use.
    public init(name: String, on runtime: ProcessRuntime) {
        self.target = .name(name)
        self.runtime = runtime
        self.resolver = nil
    }

    /// Whichever process is registered as `name.name` on `name.node`, called from `local`
    /// (Erlang's `{Name, Node}`). When `name.node` is `local` itself this is a local name.
    ///
    /// A call looks the name up on its node once (the built-in function `partisan.whereis`)
    /// and then calls the pid it found, with the monitor of an ordinary call; when that pid
    /// has gone (`noproc`), the next call looks the name up again, so a restarted server is
    /// found under its name.
    public init(name: RegisteredName, from local: PartisanNode) {
        self.runtime = local.runtime
        if name.node == local.name {
            self.target = .name(name.name)
            self.resolver = nil
        } else {
            self.target = .remoteName(name)
            self.resolver = RemoteNameResolver(name: name, erpc: local.erpc)
        }
    }

    /// The process's current pid, if it is running (for a `name@node` target, the pid found
    /// by the last call, if any).
    public var pid: Pid? {
        switch target {
        case .pid(let pid): pid
        case .name(let name): runtime.whereis(name)
        case .remoteName: resolver?.cachedPid
        }
    }

    public var description: String {
        switch target {
        case .pid(let pid): "\(pid)"
        case .name(let name): name
        case .remoteName(let name): "\(name.name)@\(name.node)"
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.target == rhs.target && lhs.runtime === rhs.runtime }
    public func hash(into hasher: inout Hasher) { hasher.combine(target) }
}
