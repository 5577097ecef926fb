import DequeModule

/// The inbound connections of an endpoint that are in their handshake, oldest first per remote
/// address, under two caps: in all, and per address.
///
/// A new connection is never refused for want of room: when a cap is reached, the oldest
/// handshake of the address that holds the most (its own address, when that one is at its
/// cap) is displaced instead. A legitimate handshake takes a few round trips, so it is almost
/// never the oldest; an attacker who holds idle connections to fill the caps loses its own
/// first, and a peer from another address still gets in. Bookkeeping only: the caller closes
/// what is displaced. Not thread-safe; the endpoint keeps it under its lock.
struct PendingHandshakes<Handle> {
    /// The most handshakes at once.
    let limit: Int
    /// The most handshakes at once from one address.
    let limitPerAddress: Int
    private var byAddress: [String: Deque<(id: UInt64, handle: Handle)>] = [:]
    /// How many handshakes are in progress.
    private(set) var count = 0
    private var lastID: UInt64 = 0

    init(limit: Int, limitPerAddress: Int) {
        precondition(limit > 0 && limitPerAddress > 0, "handshake caps must be positive")
        self.limit = limit
        self.limitPerAddress = limitPerAddress
    }

    /// How many handshakes from `address` are in progress.
    func count(from address: String) -> Int { byAddress[address]?.count ?? 0 }

    /// Adds a handshake from `address`; returns its id (for ``remove(_:from:)``) and the handle
    /// of the handshake it displaced, if a cap was reached.
    mutating func add(from address: String, _ handle: Handle) -> (id: UInt64, displaced: Handle?) {
        var displaced: Handle?
        if count(from: address) >= limitPerAddress {
            displaced = removeOldest(from: address)
        } else if count >= limit, let fullest = byAddress.max(by: { $0.value.count < $1.value.count })?.key {
            displaced = removeOldest(from: fullest)
        }
        lastID += 1
        byAddress[address, default: []].append((lastID, handle))
        count += 1
        return (lastID, displaced)
    }

    /// Removes handshake `id` from `address` (finished, failed or closed); nothing if it was
    /// displaced already.
    mutating func remove(_ id: UInt64, from address: String) {
        guard let index = byAddress[address]?.firstIndex(where: { $0.id == id }) else { return }
        byAddress[address]!.remove(at: index)
        if byAddress[address]!.isEmpty { byAddress[address] = nil }
        count -= 1
    }

    private mutating func removeOldest(from address: String) -> Handle? {
        guard let oldest = byAddress[address]?.popFirst() else { return nil }
        if byAddress[address]!.isEmpty { byAddress[address] = nil }
        count -= 1
        return oldest.handle
    }
}
