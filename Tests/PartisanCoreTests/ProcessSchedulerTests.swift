import PartisanCore
import PartisanTestSupport
import Synchronization
import Testing

/// The work-stealing `ProcessScheduler`, driven through real processes.
@Suite struct ProcessSchedulerTests {
    static let scheduler = ProcessScheduler(workers: 2)

    private func runtime() -> ProcessRuntime {
        ProcessRuntime(node: "sched@127.0.0.1", executor: ProcessSchedulerTests.scheduler)
    }

    @Test func request_reply_pairs_run_to_completion() async throws {
        let rounds: Int = try await runtime().withProcess { me in
            let echo = me.spawn { ctx in
                while true {
                    let (from, n) = try await ctx.receive((Pid, Int).self)
                    ctx.send(n + 1, to: from)
                }
            }
            var n = 0
            for _ in 0..<10_000 {
                me.send((me.pid, n), to: echo)
                n = try await me.receive(Int.self)
            }
            me.exit(echo, .kill)
            return n
        }
        #expect(rounds == 10_000)
    }

    @Test func a_receiver_woken_by_a_sender_that_never_suspends_still_runs() async throws {
        // The sender puts the receiver in its worker's next slot, then spins without
        // suspending until the receiver has answered: only another worker stealing the
        // receiver can end the spin.
        let answered = Atomic<Bool>(false)
        let done: Bool = try await runtime().withProcess { me in
            let receiver = me.spawn { ctx in
                _ = try await ctx.receive(String.self)
                answered.store(true, ordering: .releasing)
            }
            try await eventually { me.runtime.details(of: receiver) != nil }
            me.send("wake", to: receiver)
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(20))
            while !answered.load(ordering: .acquiring), clock.now < deadline {}
            return answered.load(ordering: .acquiring)
        }
        #expect(done)
    }

    @Test func work_enqueued_from_outside_threads_runs() async throws {
        let runtime = runtime()
        let count = 2_000
        let finished = Atomic<Int>(0)
        for _ in 0..<count {
            runtime.spawn { _ in finished.add(1, ordering: .relaxed) }
        }
        try await eventually { finished.load(ordering: .relaxed) == count }
        try await eventually { runtime.processCount == 0 }
    }

    @Test func many_processes_exchange_messages_across_workers() async throws {
        let total: Int = try await runtime().withProcess { me in
            let parent = me.pid
            let pairs = 50
            for _ in 0..<pairs {
                let sink = me.spawn { ctx in
                    var sum = 0
                    for _ in 0..<200 { sum += try await ctx.receive(Int.self) }
                    ctx.send(sum, to: parent)
                }
                me.spawn { ctx in for i in 0..<200 { ctx.send(i, to: sink) } }
            }
            var total = 0
            for _ in 0..<pairs { total += try await me.receive(Int.self) }
            return total
        }
        #expect(total == 50 * (0..<200).reduce(0, +))
    }

    @Test func links_monitors_and_timeouts_work_on_the_scheduler() async throws {
        let (reason, timedOut): (ExitReason, Bool) = try await runtime().withProcess([.trapExit]) { me in
            let child = try me.spawnLink { ctx in try await ctx.waitForever() }
            let ref = me.monitor(child)
            me.exit(child, .shutdown)
            let down = try await me.receive(DownMessage.self) { $0.ref == ref }
            _ = try await me.receive(ExitMessage.self)
            let none = try await me.receive(Int.self, timeout: .milliseconds(20))
            return (down.reason, none == nil)
        }
        #expect(reason == .shutdown)
        #expect(timedOut)
    }
}
