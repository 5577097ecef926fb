import PartisanDistribution

/// A replicated last-writer-wins key-value map, a small PlumDB: every node that runs the map
/// of one name holds the same entries once the writes have spread. Start one with
/// ``PartisanNode/startReplicatedMap(_:configuration:)``.
///
/// Writes are broadcast along a Plumtree (``PlumtreeService`` over an ``LWWMap``) on the
/// node's overlay, and anti-entropy exchanges bring a node that missed some (cut off, or
/// started later) up to date. Per key the newest write wins: a write is one version newer
/// than the newest this node knows for the key; two writes of one version from different
/// nodes are ordered by node name, so every node picks the same one.
///
/// **Deletes** are writes of a tombstone, so that a delete wins over older writes on nodes that
/// have not seen it yet; tombstones are kept (they are not garbage-collected), which makes
/// ``snapshot()`` and ``get(_:)`` treat the key as absent.
///
/// Wire form of a value: `{value, Term}`, or `deleted` for a tombstone (the `LWWMap` payload).
public final class ReplicatedMap: Sendable {
    /// The broadcast carrying the writes.
    public let service: PlumtreeService<LWWMap>

    /// A map over `service`.
    init(service: PlumtreeService<LWWMap>) {
        self.service = service
    }

    /// The map's name, the same on every node that replicates it.
    public var name: String { service.name }

    /// Writes `value` under `key` here and broadcasts the write.
    public func put(_ key: String, _ value: Term) {
        service.broadcast { $0.put(key, .tuple([.atom("value"), value])) }
    }

    /// Deletes `key` here and broadcasts the delete (a tombstone); nothing happens when the
    /// key holds no value.
    public func delete(_ key: String) {
        service.broadcast { map in map[key].flatMap(Self.value) == nil ? nil : map.put(key, .atom("deleted")) }
    }

    /// The value under `key`, `nil` when none was written or it was deleted.
    public func get(_ key: String) -> Term? {
        service.withHandler { $0[key].flatMap(Self.value) }
    }

    /// Every key with its value (deleted keys left out).
    public func snapshot() -> [String: Term] {
        service.withHandler { $0.values.compactMapValues(Self.value) }
    }

    /// Calls `handler` with the key and the new value (`nil` for a delete) of every write that
    /// changes this node's copy, local writes included (outside any lock; it must not block).
    public func onChange(_ handler: @escaping @Sendable (_ key: String, _ value: Term?) -> Void) {
        service.onDelivery { delivery in
            guard let fields = delivery.id.tupleValue, case .binary(let bytes)? = fields.first else { return }
            handler(String(decoding: bytes, as: UTF8.self), Self.value(delivery.payload))
        }
    }

    /// The user's value in a payload: `nil` for a tombstone.
    private static func value(_ payload: Term) -> Term? {
        guard let fields = payload.tupleValue, fields.count == 2, fields[0] == .atom("value") else { return nil }
        return fields[1]
    }
}
