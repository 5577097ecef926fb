import Partisan
import PartisanTestSupport
import Synchronization
import Testing

/// A GenStatem is a valid supervisor child: started linked, restarted after a crash under its
/// name, and shut down with `terminate` when the supervisor stops.
@Suite struct GenStatemSupervisionTests {
    @Test func a_supervised_code_lock_comes_back_under_its_name_after_a_crash() async throws {
        let node = try await PartisanNode.start(name: "statem-sup@127.0.0.1")
        let unlocks = Atomic<Int>(0)
        let child = ChildSpec.worker(id: "lock") { supervisor in
            try await supervisor.startGenStatem(
                CodeLock(code: [1, 2], door: { unlocked in if unlocked { unlocks.add(1, ordering: .relaxed) } }),
                name: "lock", linkage: .linked
            ).pid
        }
        let supervisor = try await node.startSupervisor(children: [child])
        let lock = node.genStatem(CodeLock.self, named: "lock")
        let first = try #require(lock.pid)
        #expect(try await lock.call(.codeLength) == 2)

        node.exit(first, .kill)
        try await eventually { lock.pid != nil && lock.pid != first }
        // The replacement is a working code lock: the right code unlocks it.
        lock.cast(.button(1))
        lock.cast(.button(2))
        try await eventually { unlocks.load(ordering: .relaxed) == 1 }
        #expect(try await lock.call(.codeLength) == 2)

        try await supervisor.stop()
        #expect(node.whereis("lock") == nil)
    }
}
