/// The `:`-separated parts of a Partisan URI, `partisan:KIND:NODE:FIELD[:FIELD...]`.
struct URIParts {
    let node: Node
    /// The fields after the node.
    let fields: [Substring]

    init?(_ uri: String, kind: String) {
        let parts = uri.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts.count <= 5, parts[0] == "partisan", parts[1] == kind,
            let node = Node(String(parts[2]))
        else { return nil }
        self.node = node
        self.fields = Array(parts[3...])
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
