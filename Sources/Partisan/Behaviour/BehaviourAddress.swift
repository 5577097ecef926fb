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
    /// Finds the pid of a `name@node` target (for a stop); `nil` for the other targets.
    let remoteNameLookUp: RemoteNameLookUp?

    /// The process `pid`.
    public init(pid: Pid, on runtime: ProcessRuntime) {
        self.target = .pid(pid)
        self.runtime = runtime
        self.remoteNameLookUp = nil
    }

    /// Whichever process is registered as `name` on `runtime` at each use.
    public init(name: String, on runtime: ProcessRuntime) {
        self.target = .name(name)
        self.runtime = runtime
        self.remoteNameLookUp = nil
    }

    /// Whichever process is registered as `name.name` on `name.node`, called from `local`
    /// (Erlang's `{Name, Node}`). When `name.node` is `local` itself this is a local name.
    ///
    /// A call goes to the name: its node looks the name up when the request arrives and
    /// monitors the process it finds for the call (Erlang's `gen_server:call({Name, Node}, …)`),
    /// so a restarted server is found under its name and a call costs one frame each way. A
    /// stop looks the name up first (the built-in function `partisan.whereis`).
    public init(name: RegisteredName, from local: PartisanNode) {
        self.runtime = local.runtime
        if name.node == local.name {
            self.target = .name(name.name)
            self.remoteNameLookUp = nil
        } else {
            self.target = .remoteName(name)
            self.remoteNameLookUp = RemoteNameLookUp(name: name, erpc: local.erpc)
        }
    }

    /// The process's current pid, if it is running; `nil` for a `name@node` target (its node
    /// knows the pid; a call looks it up there).
    public var pid: Pid? {
        switch target {
        case .pid(let pid): pid
        case .name(let name): runtime.whereis(name)
        case .remoteName: nil
        }
    }

    /// Where a call goes: the process's pid, or the name on its node; `nil` when a local name
    /// has no process.
    var server: RemoteSignal.Destination? {
        switch target {
        case .pid(let pid): .pid(pid)
        case .name(let name): runtime.whereis(name).map { .pid($0) }
        case .remoteName(let name): .name(name)
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
