import PartisanCore

/// The wire form of a ``NodeSpec``:
/// `#{name => Node, listen_addrs => [#{host => Binary, port => Int}],
///   channels => #{Name => #{parallelism => Int, monotonic => Bool}}}`, plus `hidden => true` for
/// a hidden node (a missing key reads as visible).
extension NodeSpec {
    /// The spec as a term (the wire form above): what overlays gossip.
    public var term: Term {
        var channelMap: [Term: Term] = [:]
        for channel in channels {
            channelMap[.atom(channel.name)] = [
                .atom("parallelism"): Term(integer: channel.parallelism),
                .atom("monotonic"): .bool(channel.monotonic),
            ]
        }
        var map: [Term: Term] = [
            .atom("name"): .atom(node.name),
            .atom("listen_addrs"): .list(
                listenAddresses.map { address in
                    [.atom("host"): .binary(Array(address.host.utf8)), .atom("port"): Term(integer: address.port)]
                }),
            .atom("channels"): .map(channelMap),
        ]
        if hidden { map[.atom("hidden")] = .bool(true) }
        return .map(map)
    }

    /// Reads a spec from its wire form.
    ///
    /// - Throws: ``HandshakeError/malformedMessage(_:)`` for a term of another shape.
    public init(term: Term) throws(HandshakeError) {
        guard let map = term.mapValue,
            let name = map[.atom("name")]?.atomValue, let node = Node(name),
            let addresses = map[.atom("listen_addrs")]?.listValue,
            let channels = map[.atom("channels")]?.mapValue
        else { throw .malformedMessage("node spec is not a map with name, listen_addrs and channels") }
        var listen: [ListenAddress] = []
        for address in addresses {
            guard let fields = address.mapValue,
                let host = fields[.atom("host")]?.binaryValue.flatMap({ String(validating: $0, as: UTF8.self) }),
                ListenAddress.isValidHost(host), let port = fields[.atom("port")]?.intValue, (0...65535).contains(port)
            else { throw .malformedMessage("node spec listen address") }
            listen.append(ListenAddress(host: host, port: port))
        }
        var specs: [ChannelSpec] = []
        for (key, value) in channels {
            guard let name = key.atomValue, let fields = value.mapValue,
                let parallelism = fields[.atom("parallelism")]?.intValue, (1...1024).contains(parallelism),
                let monotonic = fields[.atom("monotonic")]?.boolValue
            else { throw .malformedMessage("node spec channel") }
            specs.append(ChannelSpec(name: name, parallelism: parallelism, monotonic: monotonic))
        }
        let hidden = map[.atom("hidden")].map { $0.boolValue == true } ?? false
        self.init(node: node, listenAddresses: listen, channels: specs.sorted { $0.name < $1.name }, hidden: hidden)
    }
}
