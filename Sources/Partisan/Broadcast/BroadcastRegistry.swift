import PartisanDistribution
import Synchronization

/// The Plumtree broadcasts running on one node, by name: what ``PartisanNode`` needs to find
/// one by name without knowing its handler type, and to stop them all at shutdown.
final class BroadcastRegistry: Sendable {
    /// One running broadcast, its handler type erased.
    struct Entry: Sendable {
        /// The ``PlumtreeService`` (or the ``ReplicatedMap`` wrapping one).
        var object: any AnyObject & Sendable
        var broadcast: @Sendable (Term, Term) -> Bool
        var stop: @Sendable () -> Void
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Adds the entry `make` makes under `name`, unless the name is taken (then `make` is not
    /// called).
    ///
    /// - Throws: ``PartisanNodeError/broadcastAlreadyStarted(_:)``.
    func add(_ name: String, _ make: () -> Entry) throws {
        try entries.withLock { entries in
            guard entries[name] == nil else { throw PartisanNodeError.broadcastAlreadyStarted(name) }
            entries[name] = make()
        }
    }

    /// The broadcast named `name`.
    subscript(name: String) -> Entry? { entries.withLock { $0[name] } }

    /// Removes the broadcast named `name` and returns it.
    func remove(_ name: String) -> Entry? { entries.withLock { $0.removeValue(forKey: name) } }

    /// Stops and removes every broadcast.
    func stopAll() {
        let all = entries.withLock { entries in
            defer { entries = [:] }
            return Array(entries.values)
        }
        for entry in all { entry.stop() }
    }
}
