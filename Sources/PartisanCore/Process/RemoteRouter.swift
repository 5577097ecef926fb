/// The seam between the local runtime and the distribution layer: how signals for processes
/// on other nodes leave this node.
///
/// The runtime calls these methods for every operation whose target is not on the local node.
/// Implementations must not block and must not call back into the runtime synchronously
/// while holding their own locks. Without a router (a node that is not distributed),
/// messages to other nodes are dropped, and links and monitors to them fail with
/// `.noconnection` at once.
public protocol RemoteRouter: Sendable {
    /// Sends `message` from `sender` to a process on another node.
    func send(_ message: any Sendable, to pid: Pid, from sender: Pid)
    /// Sends `message` from `sender` to a name registered on another node.
    func send(_ message: any Sendable, to name: RegisteredName, from sender: Pid)
    /// Sends `message` to an alias of a process on another node (delivered there only while
    /// the alias is active).
    func send(_ message: any Sendable, to alias: Alias, from sender: Pid)
    /// Sends `message` from `sender` to a process on another node, the way `options` say.
    func send(_ message: any Sendable, to pid: Pid, from sender: Pid, options: DeliveryOptions)
    /// Sends `message` from `sender` to a name registered on another node, the way `options`
    /// say.
    func send(_ message: any Sendable, to name: RegisteredName, from sender: Pid, options: DeliveryOptions)
    /// Sends `message` from `sender` to an alias of a process on another node, the way
    /// `options` say (so a reply can travel back on its request's channel).
    func send(_ message: any Sendable, to alias: Alias, from sender: Pid, options: DeliveryOptions)
    /// Sends an exit signal (`viaLink` marks a link's signal) to a process on another node.
    func sendExitSignal(to pid: Pid, from sender: Pid, reason: ExitReason, viaLink: Bool)
    /// Sets up a link from local `pid` to remote `other`; returns the failure reason
    /// (`.noconnection`) if it cannot.
    func link(_ pid: Pid, to other: Pid) -> ExitReason?
    /// Removes a link from local `pid` to remote `other`.
    func unlink(_ pid: Pid, from other: Pid)
    /// Sets up monitor `ref` held by local `watcher` on remote `target`; returns the failure
    /// reason (`.noconnection`) if it cannot.
    func monitor(_ ref: Ref, watcher: Pid, target: Pid) -> ExitReason?
    /// Removes monitor `ref` on remote `target`.
    func demonitor(_ ref: Ref, target: Pid)
    /// Delivers the `DOWN` of a local process to a watcher on another node.
    func sendDown(_ down: DownMessage, to watcher: Pid)
    /// Local process `pid` exited, and the router had asked to know
    /// (``ProcessRuntime/reportExitToRouter(of:)``): drop what it keeps for it. Called once,
    /// on the thread that ended the process, with no runtime lock held.
    func localProcessExited(_ pid: Pid)
}

extension RemoteRouter {
    /// Does nothing: a router that never asks for exits keeps no state per local process.
    public func localProcessExited(_ pid: Pid) {}

    /// Sends as ``send(_:to:from:)-(_,Pid,_)``: a router without channels ignores the options.
    public func send(_ message: any Sendable, to pid: Pid, from sender: Pid, options: DeliveryOptions) {
        send(message, to: pid, from: sender)
    }

    /// Sends as ``send(_:to:from:)-(_,RegisteredName,_)``: a router without channels ignores
    /// the options.
    public func send(_ message: any Sendable, to name: RegisteredName, from sender: Pid, options: DeliveryOptions) {
        send(message, to: name, from: sender)
    }

    /// Sends as ``send(_:to:from:)-(_,Alias,_)``: a router without channels ignores the
    /// options.
    public func send(_ message: any Sendable, to alias: Alias, from sender: Pid, options: DeliveryOptions) {
        send(message, to: alias, from: sender)
    }
}
