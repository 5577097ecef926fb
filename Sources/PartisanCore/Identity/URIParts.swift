/// The `:`-separated parts of a Partisan URI, `partisan:KIND:NODE:FIELD[:FIELD...]`, where an
/// IPv6 host of `NODE` is in brackets (`a@[::1]`, see ``Node/uriForm``).
struct URIParts {
    let node: Node
    /// The fields after the node.
    let fields: [Substring]

    init?(_ uri: String, kind: String) {
        let prefix = "partisan:\(kind):"
        guard uri.hasPrefix(prefix) else { return nil }
        let rest = uri.dropFirst(prefix.count)
        let nodeText: Substring
        let fieldsText: Substring
        if let at = rest.firstIndex(of: "@"), !rest[..<at].contains(":"), rest[at...].dropFirst().first == "[",
            case let open = rest.index(at, offsetBy: 2), let close = rest[open...].firstIndex(of: "]"),
            rest[open..<close].contains(":")
        {
            // An IPv6 host: `NAME@[HOST]:FIELDS`.
            guard rest[close...].dropFirst().first == ":" else { return nil }
            nodeText = rest[...at] + rest[open..<close]
            fieldsText = rest[close...].dropFirst(2)
        } else {
            guard let colon = rest.firstIndex(of: ":") else { return nil }
            nodeText = rest[..<colon]
            fieldsText = rest[rest.index(after: colon)...]
        }
        let fields = fieldsText.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(fields.count), let node = Node(String(nodeText)) else { return nil }
        self.node = node
        self.fields = fields
    }

    /// The first field as exactly `count` dot-separated 32-bit numbers.
    func dottedNumbers(count: Int) -> [UInt32]? {
        let numbers = fields[0].split(separator: ".", omittingEmptySubsequences: false).map { UInt32($0) }
        guard numbers.count == count, numbers.allSatisfy({ $0 != nil }) else { return nil }
        return numbers.map { $0! }
    }

    /// The optional trailing creation field: 0 when absent, `nil` when malformed.
    var creation: UInt32? {
        fields.count == 2 ? UInt32(fields[1]) : 0
    }
}
