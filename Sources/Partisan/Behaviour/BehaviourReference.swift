/// A typed reference to a behaviour process, built on a ``BehaviourAddress``:
/// ``GenServerRef`` and ``GenStatemRef`` get their initialisers and lookups from here.
public protocol BehaviourReference: Sendable, Hashable, CustomStringConvertible {
    /// Where the reference points.
    var address: BehaviourAddress { get }
    /// A reference to `address`.
    init(address: BehaviourAddress)
}

extension BehaviourReference {
    /// A reference to the process `pid`.
    public init(pid: Pid, on runtime: ProcessRuntime) {
        self.init(address: BehaviourAddress(pid: pid, on: runtime))
    }

    /// A reference to whichever process is registered as `name` on `runtime` at each use (so
    /// a call reaches a restarted process under the same name).
    public init(name: String, on runtime: ProcessRuntime) {
        self.init(address: BehaviourAddress(name: name, on: runtime))
    }

    /// The runtime the reference resolves names on and calls from outside processes.
    public var runtime: ProcessRuntime { address.runtime }

    /// The process's current pid, if it is running.
    public var pid: Pid? { address.pid }
}
