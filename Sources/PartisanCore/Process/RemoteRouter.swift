/// The seam between the local runtime and the distribution layer: how signals for processes
/// on other nodes leave this node.
///
/// The runtime routes every signal whose target is on another node through ``route(_:from:)``.
/// Implementations must not block and must not call back into the runtime synchronously
/// while holding their own locks. Without a router (a node that is not distributed),
/// messages to other nodes are dropped, and links and monitors to them fail with
/// `.noconnection` at once.
package protocol RemoteRouter: Sendable {
    /// Hands `signal` from the local process `sender` to the node it is for.
    func route(_ signal: RemoteSignal, from sender: Pid) -> RouteResult
    /// Local process `pid` exited, and the router had asked to know
    /// (``ProcessRuntime/reportExitToRouter(of:)``): drop what it keeps for it. Called once,
    /// on the thread that ended the process, with no runtime lock held.
    func localProcessExited(_ pid: Pid)
}

extension RemoteRouter {
    /// Does nothing: a router that never asks for exits keeps no state per local process.
    package func localProcessExited(_ pid: Pid) {}
}
