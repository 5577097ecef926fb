/// Where a behaviour reference points: a pid, or a registered name looked up on a runtime at
/// each use (so a call reaches a restarted server registered under the same name).
///
/// ``GenServerRef`` and ``GenStatemRef`` are typed fronts on an address.
public struct BehaviourAddress: Sendable, Hashable, CustomStringConvertible {
    enum Target: Sendable, Hashable {
        case pid(Pid)
        case name(String)
    }

    let target: Target
    /// The runtime the address resolves names on and makes calls from outside processes on.
    public let runtime: ProcessRuntime

    /// The process `pid`.
    public init(pid: Pid, on runtime: ProcessRuntime) {
        self.target = .pid(pid)
        self.runtime = runtime
    }

    /// Whichever process is registered as `name` on `runtime` at each use.
    public init(name: String, on runtime: ProcessRuntime) {
        self.target = .name(name)
        self.runtime = runtime
    }

    /// The process's current pid, if it is running.
    public var pid: Pid? {
        switch target {
        case .pid(let pid): pid
        case .name(let name): runtime.whereis(name)
        }
    }

    public var description: String {
        switch target {
        case .pid(let pid): "\(pid)"
        case .name(let name): name
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.target == rhs.target && lhs.runtime === rhs.runtime }
    public func hash(into hasher: inout Hasher) { hasher.combine(target) }
}
