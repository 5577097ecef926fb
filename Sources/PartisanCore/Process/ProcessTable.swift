import Synchronization

/// The live processes of one node, by local serial number.
///
/// Sharded by serial so spawns, exits and lookups from different threads rarely contend on
/// the same lock.
final class ProcessTable: Sendable {
    private static let shardCount = 64

    private final class Shard: Sendable {
        let entries = Mutex<[UInt64: ProcessContext]>([:])
    }

    private let shards: [Shard]

    init() {
        shards = (0..<ProcessTable.shardCount).map { _ in Shard() }
    }

    private func shard(_ serial: UInt64) -> Shard {
        shards[Int(truncatingIfNeeded: serial) & (ProcessTable.shardCount - 1)]
    }

    func insert(_ process: ProcessContext, serial: UInt64) {
        shard(serial).entries.withLock { $0[serial] = process }
    }

    func remove(serial: UInt64) {
        shard(serial).entries.withLock { _ = $0.removeValue(forKey: serial) }
    }

    func lookup(serial: UInt64) -> ProcessContext? {
        shard(serial).entries.withLock { $0[serial] }
    }

    /// The number of live processes.
    var count: Int { shards.reduce(0) { total, shard in total + shard.entries.withLock { $0.count } } }

    /// Every live process (a snapshot).
    var all: [ProcessContext] { shards.flatMap { shard in shard.entries.withLock { Array($0.values) } } }
}
