import PartisanCore

/// A last-writer-wins key-value map broadcast by ``Plumtree``: a small PlumDB.
///
/// Each write is a message whose id is `{Key, Version, Origin}` (key a binary, version an
/// integer, origin the writing node's name) and whose payload is the value. Per key the newest
/// write wins, ordered by version, then by origin name; so every node that saw the same writes
/// holds the same map. A write is stale when an equal or newer one is known for its key.
/// Exchanges compare `[{Key, Version, Origin}]` summaries and answer with the newer entries.
public struct LWWMap: PlumtreeHandler, Hashable {
    /// This node's name, the origin of its writes.
    public let origin: String
    /// The newest write per key: its version, its origin, its value.
    public private(set) var entries: [String: (version: Int, origin: String, value: Term)] = [:]

    /// An empty map written to by `origin`.
    public init(origin: Node) {
        self.origin = origin.name
    }

    /// The value of `key`, `nil` when none was written.
    public subscript(key: String) -> Term? { entries[key]?.value }

    /// The values, per key.
    public var values: [String: Term] { entries.mapValues(\.value) }

    /// The message writing `value` under `key` from this node, one version newer than any
    /// known for the key; broadcast it with ``Plumtree/broadcast(id:payload:)``.
    public func put(_ key: String, _ value: Term) -> (id: Term, payload: Term) {
        (Self.id(key: key, version: (entries[key]?.version ?? 0) + 1, origin: origin), value)
    }

    /// Whether `id` names a write no newer than the one held for its key.
    public func isStale(_ id: Term) -> Bool {
        guard let (key, version, origin) = Self.parse(id) else { return true }
        guard let held = entries[key] else { return false }
        return (version, origin) <= (held.version, held.origin)
    }

    /// Keeps the write if it is the newest for its key.
    public mutating func merge(id: Term, payload: Term) -> Bool {
        guard !isStale(id), let (key, version, origin) = Self.parse(id) else { return false }
        entries[key] = (version, origin, payload)
        return true
    }

    /// The value of write `id` if it is still the newest for its key.
    public func payload(for id: Term) -> Term? {
        guard let (key, version, origin) = Self.parse(id), let held = entries[key], held.version == version,
            held.origin == origin
        else { return nil }
        return held.value
    }

    /// `[{Key, Version, Origin}]`, sorted by key.
    public func exchangeSummary() -> Term {
        .list(
            entries.keys.sorted().map { Self.id(key: $0, version: entries[$0]!.version, origin: entries[$0]!.origin) })
    }

    /// The writes newer than those in `summary` (or for keys it lacks), sorted by key.
    public func missing(from summary: Term) -> [(id: Term, payload: Term)] {
        var theirs: [String: (Int, String)] = [:]
        for id in summary.listValue ?? [] {
            if let (key, version, origin) = Self.parse(id) { theirs[key] = (version, origin) }
        }
        return entries.keys.sorted().compactMap { key in
            let held = entries[key]!
            if let known = theirs[key], (held.version, held.origin) <= known { return nil }
            return (Self.id(key: key, version: held.version, origin: held.origin), held.value)
        }
    }

    /// Two maps are equal when they hold the same writes (whatever their origins).
    public static func == (lhs: LWWMap, rhs: LWWMap) -> Bool {
        lhs.exchangeSummary() == rhs.exchangeSummary() && lhs.values == rhs.values
    }

    /// Hashes the writes held.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(exchangeSummary())
    }

    private static func id(key: String, version: Int, origin: String) -> Term {
        .tuple([.binary(Array(key.utf8)), Term(integer: version), .atom(origin)])
    }

    private static func parse(_ id: Term) -> (key: String, version: Int, origin: String)? {
        guard let fields = id.tupleValue, fields.count == 3, case .binary(let bytes) = fields[0],
            let version = fields[1].intValue, let origin = fields[2].atomValue
        else { return nil }
        return (String(decoding: bytes, as: UTF8.self), version, origin)
    }
}
