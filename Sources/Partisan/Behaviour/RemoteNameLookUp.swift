/// Finds the pid of a process registered on another node, for what needs a pid rather than a
/// name: stopping a `name@node` (see ``BehaviourAddress/init(name:from:)``). Calls and casts
/// go by name and need no look-up.
struct RemoteNameLookUp: Sendable {
    let name: RegisteredName
    let erpc: ERPC

    /// The pid the name's node reports now. Throws `.noproc` if no process has the name there,
    /// `.noconnection` or `.timeout` if the node did not answer.
    func lookUp(timeout: CallTimeout) async throws(GenServerError) -> Pid {
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
        return found
    }
}
