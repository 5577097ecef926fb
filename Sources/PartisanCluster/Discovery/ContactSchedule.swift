import Partisan

/// The runner's memory of each contact: when to try it next, how often it failed, which node
/// answered there. A pure value, so its rules (backoff, jitter, what is logged once) are tested
/// without sockets.
struct ContactSchedule {
    /// One contact's record.
    struct Entry {
        /// Failed joins since the last success.
        var failures = 0
        /// No attempt before this instant.
        var notBefore: ContinuousClock.Instant
        /// The node that answered at this address, once a join succeeded.
        var node: Node?
    }

    let initialBackoff: Duration
    let maxBackoff: Duration
    private(set) var entries: [ListenAddress: Entry] = [:]

    init(initialBackoff: Duration, maxBackoff: Duration) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// Forgets contacts no strategy lists any more (keeps the table as small as the last round).
    mutating func keep(only addresses: Set<ListenAddress>) {
        if entries.keys.contains(where: { !addresses.contains($0) }) {
            entries = entries.filter { addresses.contains($0.key) }
        }
    }

    /// Whether `address` may be tried at `now`.
    func isDue(_ address: ListenAddress, at now: ContinuousClock.Instant) -> Bool {
        guard let entry = entries[address] else { return true }
        return entry.notBefore <= now
    }

    /// The node that last answered at `address`, if any.
    func node(at address: ListenAddress) -> Node? { entries[address]?.node }

    /// Records a successful join of `node` at `address`.
    mutating func succeeded(_ address: ListenAddress, node: Node, at now: ContinuousClock.Instant) {
        entries[address] = Entry(failures: 0, notBefore: now, node: node)
    }

    /// Records a failed join at `address`, schedules the next attempt after the backoff (with
    /// `jitter` in 0...1 choosing between half of it and all of it), and returns the number of
    /// failures in a row.
    @discardableResult
    mutating func failed(_ address: ListenAddress, at now: ContinuousClock.Instant, jitter: Double) -> Int {
        var entry = entries[address] ?? Entry(notBefore: now)
        entry.failures += 1
        entry.notBefore = now.advanced(by: backoff(afterFailures: entry.failures, jitter: jitter))
        entries[address] = entry
        return entry.failures
    }

    /// The wait after `failures` failures in a row: `initialBackoff × 2^(failures-1)`, at most
    /// `maxBackoff`, scaled by `0.5 + jitter / 2`.
    func backoff(afterFailures failures: Int, jitter: Double) -> Duration {
        var wait = initialBackoff
        for _ in 1..<max(failures, 1) where wait < maxBackoff { wait = wait * 2 }
        wait = min(wait, maxBackoff)
        return wait * (0.5 + min(max(jitter, 0), 1) / 2)
    }

    /// The earliest instant after `now` at which one of `addresses` becomes due, if any waits.
    func nextDue(among addresses: some Sequence<ListenAddress>, after now: ContinuousClock.Instant)
        -> ContinuousClock.Instant?
    {
        addresses.compactMap { entries[$0]?.notBefore }.filter { $0 > now }.min()
    }
}
