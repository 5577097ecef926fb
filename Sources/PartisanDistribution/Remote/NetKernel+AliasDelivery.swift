import PartisanCore

/// Sends to an alias with ``DeliveryOptions`` (replies on the channel of their request).
extension NetKernel: AliasDeliveryRouter {
    public func send(_ message: any Sendable, to alias: Alias, from sender: Pid, options: DeliveryOptions) {
        let bytes: [UInt8]
        do {
            bytes = try ControlMessage.encodeSend(to: .alias(alias), from: sender, options: encodingOptions) { writer in
                try codec.encode(message, into: &writer)
            }
        } catch {
            logger.warning("message to \(alias) dropped", metadata: ["error": "\(error)"])
            return
        }
        let route = Route(
            channel: options.channel ?? ChannelSpec.default.name, partition: options.partition ?? sender.hashValue)
        transmit(bytes, route: route, to: alias.pid.node)
    }
}
