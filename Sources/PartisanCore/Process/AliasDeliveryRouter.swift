/// A ``RemoteRouter`` that can also send to an alias the way ``DeliveryOptions`` say (another
/// channel or partition key), so that a reply can travel back on the channel its request came
/// on. Routers without it send alias messages with the standard options.
public protocol AliasDeliveryRouter: RemoteRouter {
    /// Sends `message` from local process `sender` to `alias` on another node, as `options`
    /// say.
    func send(_ message: any Sendable, to alias: Alias, from sender: Pid, options: DeliveryOptions)
}

extension ProcessContext {
    /// Sends `message` to `alias` (delivered only while the alias is active) the way
    /// `options` say when the alias's process is on another node.
    public func send(_ message: any Sendable, to alias: Alias, options: DeliveryOptions) {
        guard options != .standard, runtime.isRemote(alias.pid) else {
            send(message, to: alias)
            return
        }
        if let router = runtime.remoteRouter as? any AliasDeliveryRouter {
            router.send(message, to: alias, from: pid, options: options)
        } else {
            runtime.remoteRouter?.send(message, to: alias, from: pid)
        }
    }
}
