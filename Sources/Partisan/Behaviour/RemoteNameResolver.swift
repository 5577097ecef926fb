import Synchronization

/// Finds, and remembers, the pid of a process registered on another node, for references
/// to `name@node` (see ``BehaviourAddress/init(name:from:)``).
@usableFromInline
final class RemoteNameResolver: Sendable {
    let name: RegisteredName
    let erpc: ERPC
    private let cached = Mutex<Pid?>(nil)

    init(name: RegisteredName, erpc: ERPC) {
        self.name = name
        self.erpc = erpc
    }

    /// The pid found by the last lookup, if any.
    var cachedPid: Pid? { cached.withLock { $0 } }

    /// The remembered pid, or the one the name's node reports now. Throws `.noproc` if no
    /// process has the name there, `.noconnection` or `.timeout` if the node did not answer.
    func resolve(timeout: CallTimeout) async throws(GenServerError) -> (pid: Pid, wasCached: Bool) {
        if let pid = cachedPid { return (pid, true) }
        let found: Pid?
        do {
            found = try await erpc.call(BuiltinFunctions.whereis, on: name.node, name.name, timeout: timeout)
        } catch .noconnection {
            throw .noconnection
        } catch .timeout {
            throw .timeout
        } catch .callerExiting(let reason) {
            throw .callerExiting(reason)
        } catch {
            throw .exit(.other(.string("\(error)")))
        }
        guard let found else { throw .noproc }
        cached.withLock { $0 = found }
        return (found, false)
    }

    /// Forgets `pid` (it has gone), so the next call looks the name up again.
    func forget(_ pid: Pid) {
        cached.withLock { if $0 == pid { $0 = nil } }
    }
}
